#!/usr/bin/env bash
# Sets up, builds, and runs hidewire's main job: a node (`hidewire run --config FILE`), by
# default config/local-demo.json (HL7 v2 over MLLP on 127.0.0.1:2575, the FHIR API on :8080,
# admin on :8081). With other arguments it runs `hidewire ARGS...` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
bash scripts/build.sh >/dev/null
BIN=${BUILD_DIR:-build}/tools/hidewire
if [ $# -gt 0 ]; then
  exec "$BIN" "$@"
fi
echo "try: $BIN send --mllp 127.0.0.1:2575 tests/data/hl7v2/adt_a01_v251.hl7"
echo "     curl 'http://127.0.0.1:8080/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919'"
exec "$BIN" run --config config/local-demo.json
