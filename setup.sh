#!/bin/sh
# setup.sh: install the Debian packages weft needs to build and test, only those missing; silent when none are.
set -eu
packages="gcc cmake make pkg-config libffi-dev libcmocka-dev uthash-dev strace"
# the call stacks of reports: libunwind walks task stacks, libdw (elfutils) gives each frame's file:line
packages="$packages libunwind-dev libdw-dev"
# scripts/ci-robust: valgrind (its header registers task stacks), clang and libFuzzer's runtime
packages="$packages valgrind clang libclang-rt-14-dev"
missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "setup.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
