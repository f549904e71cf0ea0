#!/usr/bin/env bash
# Synthesizes the reference app and every example into OUTDIR/<app>/ and keeps only the templates, so two
# trees can be compared with `diff -r` (a refactoring must leave every template byte-identical).
# Usage: scripts/synth-all.sh OUTDIR
set -euo pipefail
out=${1:?usage: scripts/synth-all.sh OUTDIR}
cd "$(dirname "$0")/.."
node scripts/bundle-handlers.mjs >/dev/null
synth() {
  local name=$1 app=$2 tmp
  tmp=$(mktemp -d)
  npx cdk synth -q --app "$app" --output "$tmp" >/dev/null
  mkdir -p "$out/$name"
  cp "$tmp"/*.template.json "$out/$name/"
  # Nested assemblies (stages) keep their templates one level down.
  find "$tmp" -mindepth 2 -name '*.template.json' -exec cp {} "$out/$name/" \;
  rm -rf "$tmp"
  echo "synth-all: $name -> $out/$name ($(ls "$out/$name" | wc -l) templates)"
}
synth reference 'npx tsx bin/backup-dr.ts'
for app in examples/*/app.ts; do
  synth "$(basename "$(dirname "$app")")" "npx tsx $app"
done
