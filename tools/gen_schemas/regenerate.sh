#!/usr/bin/env bash
# Regenerates schemas/r4 from the pinned official FHIR R4 definitions (needs Node.js and npm).
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --silent
node gen_schemas.mjs "$@"
