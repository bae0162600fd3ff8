#!/usr/bin/env bash
# Installs the Debian packages Roost needs, only those missing. Used by deploy/quickstart.sh (build)
# and tests/run.sh (build + test tools).  Usage: deploy/install-deps.sh [--test]
set -euo pipefail

build_packages=(
  cmake ninja-build g++ pkg-config ccache
  libuv1-dev libssl-dev libldns-dev libsqlite3-dev libargon2-dev libidn2-dev zlib1g-dev
  libtomlplusplus-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev
  openssl
)
test_packages=(
  android-libboringssl-dev
  python3 sqlite3 procps swaks fetchmail libnet-ssleay-perl libio-socket-ssl-perl
  isync mutt python3-dkim python3-nacl nsd ldnsutils
  podman buildah runc catatonit debootstrap systemd-container uidmap
)

wanted=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "Installing missing packages: ${missing[*]}"
as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
