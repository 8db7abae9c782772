#!/usr/bin/env bash
# Installs everything hidewire needs to build and test on Debian 12, from Debian's packages.
# Safe to run again: apt is skipped when every package is already there.
set -euo pipefail
PKGS=(build-essential cmake ninja-build ccache pkg-config git
      libboost-dev libboost-system-dev rapidjson-dev libpugixml-dev libcurl4-openssl-dev
      doctest-dev libspdlog-dev libsqlite3-dev sqlite3 libssl-dev libjwt-dev openssl curl libgoogle-perftools-dev python3 ca-certificates
      chromium)  # chromium: the dashboard's browser tests (driven by puppeteer-core, tests/dashboard)
# Node.js runs the npm peers of the protocol tests and benchmarks; use the machine's when present.
command -v node >/dev/null 2>&1 || PKGS+=(nodejs npm)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "setup: all build dependencies present"
