#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed: the tests open the HTML the CLI writes in it, headless.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "Chromium not found: installing the Debian package 'chromium' for the HTML tests"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null
