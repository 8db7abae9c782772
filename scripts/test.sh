#!/usr/bin/env bash
# Builds hidewire and runs the whole test suite with CTest (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
scripts/build.sh
# npm peers for the protocol tests (node-hl7-client); without Node.js those tests are skipped.
if command -v npm >/dev/null 2>&1; then
  (cd tests/peer && npm ci --no-audit --no-fund --silent) || echo "test: npm peers not installed; peer tests will be skipped"
  # puppeteer-core and axe-core for the dashboard's browser tests; they drive Debian's chromium
  # (scripts/setup.sh), so no browser is downloaded.
  (cd tests/dashboard && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --silent) || echo "test: dashboard test packages not installed"
fi
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
