#!/bin/sh
# test_docs.sh: every flag the weft tool's --help lists is documented in docs/api.md and in the man page docs/weft.1.
#
# Usage: test_docs.sh WEFT_TOOL SOURCE_DIR. Also renders the man page with groff's warnings on, when groff is there.
set -eu
tool=$1 src=$2
help=$("$tool" --help) || { echo "test_docs: $tool --help failed" >&2; exit 1; }
flags=$(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u)
[ -n "$flags" ] || { echo "test_docs: $tool --help lists no flags" >&2; exit 1; }
# The man page writes a dash as \- ; read it with plain dashes.
man=$(sed 's/\\-/-/g' "$src/docs/weft.1")
missing=""
for f in $flags; do
    grep -q -- "$f" "$src/docs/api.md" || missing="$missing $f (docs/api.md)"
    printf '%s\n' "$man" | grep -q -- "$f" || missing="$missing $f (docs/weft.1)"
done
if [ -n "$missing" ]; then
    echo "test_docs: undocumented flags:$missing" >&2
    exit 1
fi
if command -v groff >/dev/null 2>&1; then
    warnings=$(groff -man -Tutf8 -ww -z "$src/docs/weft.1" 2>&1)
    [ -z "$warnings" ] || { echo "test_docs: groff warns about docs/weft.1: $warnings" >&2; exit 1; }
fi
echo "test_docs: $(printf '%s\n' "$flags" | wc -l) flags, each in docs/api.md and docs/weft.1"
