#!/usr/bin/env bash
# Runs every test: installs what is missing, then builds and tests three configurations:
#   build/          OpenSSL (the default), every unit and integration test
#   build-boringssl/ the TLS layer and its tests against BoringSSL (the code must stay portable)
#   build-asan/     AddressSanitizer + UndefinedBehaviorSanitizer, unit and integration tests again
# Exits non-zero on any failure. Warnings are errors here.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)

"$root/deploy/install-deps.sh" --test

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths relative to the checkout, so another clone of the same sources hits the same cache entries.
export CCACHE_BASEDIR="$root"
export CTEST_OUTPUT_ON_FAILURE=1

step() { printf '\n=== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

configure_and_test() {
  local dir=$1; shift
  step "configure $dir"
  cmake -S "$root" -B "$root/$dir" -G Ninja -DROOST_WERROR=ON "$@" >/dev/null
  step "build $dir"
  cmake --build "$root/$dir" -j "$jobs"
  step "test $dir"
  (cd "$root/$dir" && ctest -j "$jobs" --timeout 600 -LE bench)
}

started=$(date +%s)
# Debug information is what makes compiling slow (about a fifth of the time): the optimised builds go
# without it, the sanitizer build keeps line tables for its stack traces.
configure_and_test build -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG"
configure_and_test build-boringssl -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
  -DROOST_TLS=boringssl
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  configure_and_test build-asan -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1" -DROOST_SANITIZE=ON
step "all tests passed in $(( $(date +%s) - started )) s"
