#!/bin/sh
# test_syscalls.sh: no syscall in the per-execution path: N=1,000 and N=10,000 executions make the same number of syscalls.
# Usage: test_syscalls.sh PATH/TO/syscall_prog. Exit 77 (CTest: skipped) only when strace is not installed.
prog=$1
if [ -z "$prog" ] || [ ! -x "$prog" ]; then
    echo "FAIL: usage: $0 PATH/TO/syscall_prog" >&2
    exit 1
fi
if ! command -v strace >/dev/null 2>&1; then
    echo "SKIP: strace is not installed; this test needs it (apt-get install strace)" >&2
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# count N: the total number of syscalls of N executions
count() {
    if ! strace -f -c -o "$tmp/strace.$1" "$prog" "$1" >"$tmp/out.$1" 2>&1; then
        echo "FAIL: strace -f -c $prog $1 failed:" >&2
        cat "$tmp/out.$1" "$tmp/strace.$1" >&2
        exit 1
    fi
    total=$(awk '$NF == "total" { print $4 }' "$tmp/strace.$1")
    case $total in
    '' | *[!0-9]*)
        echo "FAIL: no syscall total in the strace summary:" >&2
        cat "$tmp/strace.$1" >&2
        exit 1
        ;;
    esac
    echo "$total"
}

small=$(count 1000) || exit 1
large=$(count 10000) || exit 1
diff=$((large - small))
[ $diff -lt 0 ] && diff=$((-diff))
echo "syscalls: $small for 1000 executions, $large for 10000 executions (difference $diff, allowed < 20)"
if [ $diff -ge 20 ]; then
    echo "FAIL: the syscall count grows with the number of executions; summaries:" >&2
    cat "$tmp/strace.1000" "$tmp/strace.10000" >&2
    exit 1
fi
exit 0
