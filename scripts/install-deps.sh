#!/usr/bin/env bash
# Installs, with apt, whatever Pharos needs to build and test that is missing.
# Idempotent and silent when everything is already present.
#
# The Dockerfile's build stage runs this script; its runtime stage lists the
# matching shared libraries. Keep the two in step.
set -euo pipefail

build_pkgs=(
  g++ cmake make pkg-config ccache git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  librocksdb-dev libsnappy-dev zlib1g-dev
  libprotobuf-dev protobuf-compiler
  libyaml-cpp-dev libre2-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# Real components that the end-to-end tests run beside Pharos.
test_pkgs=(procps curl openssl)

pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
