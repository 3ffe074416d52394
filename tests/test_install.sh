#!/bin/sh
# test_install.sh: an installed weft works from any prefix, through pkg-config alone and through find_package(weft).
#
# Usage: test_install.sh BUILD_DIR SOURCE_DIR LIBDIR MANDIR CONFIG CC CMAKE CTEST
# Installs BUILD_DIR into a temporary prefix and moves the tree elsewhere (nothing may depend on where it was
# installed), then: builds examples/ with the flags `pkg-config --cflags --libs weft` gives and runs the program
# without LD_LIBRARY_PATH; configures and builds examples/ with find_package(weft) and checks that ctest lists
# each WEFT_TEST of examples/ as its own test and that they all pass. Exit 0 passed, 1 failed, 77 a tool is missing.
set -eu
build=$1 src=$2 libdir=$3 mandir=$4 config=$5 cc=$6 cmake=$7 ctest=$8

fail() {
    echo "test_install: $*" >&2
    exit 1
}
# Show a log, then fail with a message.
fail_log() {
    cat "$1" >&2
    shift
    fail "$@"
}
for tool in pkg-config "$cc"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "test_install: skipped: $tool is not installed"; exit 77; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/weft-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset LD_LIBRARY_PATH WEFT_TEST

# The WEFT_TEST names of examples/, in the order --list prints them (by file, then by line).
expected=$(cat "$src"/examples/*.c | sed -n 's/^WEFT_TEST(\([A-Za-z0-9_]*\)).*/\1/p')
count=$(($(printf '%s\n' "$expected" | wc -l) + 0))
[ "$count" -ge 2 ] || fail "examples/ has $count WEFT_TEST, expected several"

# 1. Install, then move the installed tree.
set -- --install "$build" --prefix "$tmp/installed"
[ -n "$config" ] && set -- "$@" --config "$config"
"$cmake" "$@" >"$tmp/install.log" 2>&1 || fail_log "$tmp/install.log" "cmake --install failed"
mv "$tmp/installed" "$tmp/moved"
prefix=$tmp/moved
for f in include/weft.h "$libdir/libweft.a" "$libdir/pkgconfig/weft.pc" "$libdir/cmake/weft/weftConfig.cmake" \
    "$libdir/cmake/weft/weftDiscoverTests.cmake" bin/weft "$mandir/man1/weft.1"; do
    [ -f "$prefix/$f" ] || fail "cmake --install did not install $f"
done
grep -q '^prefix=\${pcfiledir}/' "$prefix/$libdir/pkgconfig/weft.pc" || fail "weft.pc's prefix is not relative to the file"

# 2. pkg-config alone: compile, link, run from the moved tree.
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
flags=$(pkg-config --cflags --libs weft) || fail "pkg-config --cflags --libs weft failed"
# shellcheck disable=SC2086 # the flags are words
"$cc" -std=c11 -Wall -Wextra -Werror -pedantic "$src"/examples/*.c $flags -o "$tmp/examples" >"$tmp/cc.log" 2>&1 ||
    fail_log "$tmp/cc.log" "building examples/ with \`$cc ... $flags\` failed"
if command -v readelf >/dev/null 2>&1 && readelf -d "$tmp/examples" | grep -q 'NEEDED.*libweft'; then
    fail "the program built through pkg-config needs libweft.so: it must link the static archive"
fi
listed=$("$tmp/examples" --list) || fail "the program built through pkg-config does not start: $listed"
[ "$listed" = "$expected" ] || fail "--list printed '$listed', expected '$expected'"
"$tmp/examples" --no-time >"$tmp/run.log" 2>&1 || fail_log "$tmp/run.log" "the examples are not all clean"
for name in $expected; do
    grep -q "^ok  *$name: .*, complete," "$tmp/run.log" || fail_log "$tmp/run.log" "no clean, complete line for $name"
done

# 3. find_package(weft) and weft_discover_tests: one CTest test per WEFT_TEST, each passing.
"$cmake" -S "$src/examples" -B "$tmp/ex" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_BUILD_TYPE=Release >"$tmp/configure.log" 2>&1 ||
    fail_log "$tmp/configure.log" "configuring examples/ against the installed package failed"
"$cmake" --build "$tmp/ex" >"$tmp/build.log" 2>&1 || fail_log "$tmp/build.log" "building examples/ failed"
(cd "$tmp/ex" && "$ctest" -N) >"$tmp/ctest-n.log" 2>&1 || fail_log "$tmp/ctest-n.log" "ctest -N failed"
for name in $expected; do
    grep -q "Test *#[0-9]*: $name\$" "$tmp/ctest-n.log" || fail_log "$tmp/ctest-n.log" "ctest -N does not list $name"
done
grep -q "^Total Tests: $count\$" "$tmp/ctest-n.log" || fail_log "$tmp/ctest-n.log" "ctest -N lists other tests than the $count WEFT_TESTs"
(cd "$tmp/ex" && "$ctest" --output-on-failure) >"$tmp/ctest.log" 2>&1 || fail_log "$tmp/ctest.log" "ctest failed"
grep -q "100% tests passed, 0 tests failed out of $count\$" "$tmp/ctest.log" ||
    fail_log "$tmp/ctest.log" "ctest did not pass all $count tests"
echo "test_install: pkg-config and find_package(weft) both work from a moved prefix; $count tests discovered and passed"
