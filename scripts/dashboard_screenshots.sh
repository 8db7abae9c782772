#!/usr/bin/env bash
# Writes docs/dashboard/*.png: a 1280x800 screenshot of each dashboard view, taken by the browser
# test (tests/dashboard) against a real node with real messages. Needs a build (scripts/build.sh),
# node and chromium (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
[ -x "$BUILD_DIR/tools/hidewire" ] || { echo "dashboard_screenshots: build first (scripts/build.sh)"; exit 1; }
mkdir -p docs/dashboard
SCREENSHOTS="$PWD/docs/dashboard" tests/dashboard/run_dashboard.sh "$BUILD_DIR/tools/hidewire" tests/data/hl7v2
ls -l docs/dashboard/*.png
