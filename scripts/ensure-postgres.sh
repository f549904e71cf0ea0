#!/usr/bin/env bash
# Makes sure the PostgreSQL server and client binaries the integration tests start are installed.
# The tests run their own server in a temp dir on loopback; nothing is started here.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && command -v pg_dump >/dev/null 2>&1; then
  exit 0
fi
echo "PostgreSQL not found: installing the Debian package 'postgresql' for the integration tests"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends postgresql postgresql-client >/dev/null
# The package may start a cluster of its own on port 5432; the tests use their own on free ports.
ls /usr/lib/postgresql/*/bin/postgres >/dev/null
