#!/usr/bin/env bash
# Packaging check: `make install PREFIX=...` into a temporary prefix, then a
# tiny program (tests/consumer/) built against it three ways: pkg-config,
# CMake find_package(avloc) and CMake add_subdirectory(<source tree>). Each
# build must compile, link and report the version of the headers' macros.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
make -s install PREFIX="$prefix"
ver=$(sed -n 's/^#define AVLOC_VERSION_STRING "\(.*\)"/\1/p' avloc.h)
echo "  installed $ver into a temporary prefix:"
(cd "$prefix" && find . -type f | sort | sed 's/^/    /')

echo "  pkg-config"
pcver=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --modversion avloc)
[ "$pcver" = "$ver" ] || { echo "pkg-config version $pcver != $ver"; exit 1; }
# shellcheck disable=SC2046
eval "cc -std=c99 -Wall -Wextra -pedantic -Werror tests/consumer/consumer.c -o '$tmp/c_pc' \
  $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs avloc)"
"$tmp/c_pc" "$pcver"

if command -v cmake >/dev/null; then
  echo "  cmake find_package(avloc)"
  cmake -S tests/consumer -B "$tmp/b1" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$tmp/b1" >/dev/null
  "$tmp/b1/consumer" "$(cat "$tmp/b1/version.txt")"
  echo "  cmake add_subdirectory(avloc source tree)"
  cmake -S tests/consumer -B "$tmp/b2" -DAVLOC_FROM_SOURCE=ON -DAVLOC_SOURCE_DIR="$PWD" >/dev/null
  cmake --build "$tmp/b2" >/dev/null
  "$tmp/b2/consumer" "$(cat "$tmp/b2/version.txt")"
else
  echo "  cmake not installed: CMake consumers not checked"; exit 1
fi
echo "  packaging ok"
