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
# Paths relative to the checkout, so another clone of the same sources hits the same cache entries
# (the deploy tests pass it on to the image build).
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
# Without debug information (line tables only for the sanitizers' stack traces): it is about a fifth
# of the compile time, and CI starts without a compiler cache.
configure_and_test build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROOST_DEBUG_INFO=none
configure_and_test build-boringssl -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROOST_DEBUG_INFO=none -DROOST_TLS=boringssl
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  configure_and_test build-asan -DCMAKE_BUILD_TYPE=Debug -DROOST_DEBUG_INFO=lines -DROOST_SANITIZE=ON
step "all tests passed in $(( $(date +%s) - started )) s"
