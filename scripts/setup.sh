#!/usr/bin/env bash
# Installs every Debian package Hark needs to build, run and test.
# Safe to run twice: when everything is present it does nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsodium-dev libssl-dev libjwt-dev
  libsqlite3-dev libpqxx-dev postgresql postgresql-15 nginx-light
  libyaml-cpp-dev libspdlog-dev libhowardhinnant-date-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev
  pocketsphinx pocketsphinx-en-us libpocketsphinx-dev libsphinxbase-dev
  libsoxr-dev espeak-ng sox
  chromium chromium-driver python3-selenium
  clang-16 libclang-rt-16-dev
  libstemmer-dev wordnet-dev wordnet-base
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends "${missing[@]}"
