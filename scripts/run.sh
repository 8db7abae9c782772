#!/usr/bin/env bash
# Sets up, builds, and runs hidewire's main job. Until the node (`hidewire run --config ...`)
# lands, the main job is the command line: with no arguments it validates the official
# examples and converts one to XML; with arguments it runs `hidewire ARGS...`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
bash scripts/build.sh >/dev/null
BIN=${BUILD_DIR:-build}/tools/hidewire
mkdir -p build
if [ $# -gt 0 ]; then
  exec "$BIN" "$@"
fi
# One official example is itself invalid (see tests/data/NOTICE), so validate exits 1 here.
"$BIN" validate tests/data/fhir-r4-examples/*.json tests/data/fhir-r4-examples/*.xml >build/validate-examples.txt || true
echo "official examples: $(grep -c ': valid' build/validate-examples.txt) valid, $(grep -c ': INVALID' build/validate-examples.txt) invalid (full report: build/validate-examples.txt)"
"$BIN" convert --to xml --pretty tests/data/fhir-r4-examples/patient-example.json | sed -n 1,20p
