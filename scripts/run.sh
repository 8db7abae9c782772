#!/usr/bin/env bash
# Sets up, builds, and runs hidewire's main job. Until the node (`hidewire run --config ...`)
# lands, the main job is the command line: with no arguments it validates the official
# examples and converts one to XML; with arguments it runs `hidewire ARGS...`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
bash scripts/build.sh >/dev/null
BIN=${BUILD_DIR:-build}/tools/hidewire
if [ $# -gt 0 ]; then
  exec "$BIN" "$@"
fi
"$BIN" validate tests/data/fhir-r4-examples/*.json tests/data/fhir-r4-examples/*.xml | grep -c ': valid' | sed 's/$/ official examples valid/'
"$BIN" convert --to xml --pretty tests/data/fhir-r4-examples/patient-example.json | head -20
