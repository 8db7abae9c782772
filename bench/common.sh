# Shared by the bench/run_*_bench.sh scripts: builds the named benchmark in Release, installs
# the npm peers, prints the machine line. Sets root, data, build, out.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/tests/data/fhir-r4-examples"
build="${BUILD_DIR:-$root/build-release}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
bench_setup() {
  if ! { cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHIDEWIRE_BUILD_TESTS=OFF &&
          cmake --build "$build" --target "$1"; } >"$out/build.log" 2>&1; then
    tail -n 40 "$out/build.log" >&2
    echo "bench: the Release build of $1 in $build failed" >&2
    return 1
  fi
  (cd "$root/bench/node" && npm ci --no-audit --no-fund --silent)
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(g++ --version | head -1); node $(node --version)"
}
