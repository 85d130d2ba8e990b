#!/usr/bin/env bash
# Golden tests of the command line. Each case is tests/golden/cases/NAME.args (the
# arguments, one per line) with the expected NAME.stdout, NAME.stderr and NAME.rc beside it.
# A case may instead be a script, NAME.sh, run with bash in the scratch folder with
# AIF_BIN (the binary) and AIF_GOLDEN_DIR (this folder) in its environment: for checks of
# output files, whose digests it prints (see outputs_golden.sh).
# Usage: run_golden.sh AIFACTORY_BINARY GOLDEN_DIR [NAME...]
# runs the named cases, or every case when none is named; each runs in a scratch folder of
# its own. CTest registers each case as its own test, golden.NAME (tests/CMakeLists.txt), so
# `ctest -R golden.NAME` runs one and `ctest -j` runs them side by side.
# Set AIF_GOLDEN_UPDATE=1 to rewrite the expected files from the current binary (then review
# the diff before committing).
set -euo pipefail
[ $# -ge 2 ] || {
    echo "usage: run_golden.sh AIFACTORY_BINARY GOLDEN_DIR [NAME...]" >&2
    exit 2
}
bin=$(realpath "$1")
golden=$(realpath "$2")
dir=$golden/cases
shift 2
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$dir"/*.args "$dir"/*.sh; do
        [ -e "$f" ] || continue
        f=${f##*/}
        names+=("${f%.*}")
    done
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
for name in "${names[@]}"; do
    scratch=$work/cases/$name
    mkdir -p "$scratch"
    rc=0
    if [ -e "$dir/$name.sh" ]; then
        (cd "$scratch" && NO_COLOR=1 AIF_BIN=$bin AIF_GOLDEN_DIR=$golden bash "$dir/$name.sh" \
            > "$work/out" 2> "$work/err") || rc=$?
    elif [ -e "$dir/$name.args" ]; then
        mapfile -t args < "$dir/$name.args"
        (cd "$scratch" && NO_COLOR=1 "$bin" "${args[@]}" > "$work/out" 2> "$work/err") || rc=$?
    else
        echo "FAIL $name (no case $dir/$name.args or .sh)"
        fail=$((fail + 1))
        continue
    fi
    echo "$rc" > "$work/rc"
    if [ "${AIF_GOLDEN_UPDATE:-0}" = 1 ]; then
        cp "$work/out" "$dir/$name.stdout"
        cp "$work/err" "$dir/$name.stderr"
        cp "$work/rc" "$dir/$name.rc"
    fi
    ok=1
    for part in stdout stderr rc; do
        src=$work/${part/stdout/out}
        src=${src/stderr/err}
        if ! diff -u "$dir/$name.$part" "$src" > "$work/diff"; then
            echo "FAIL $name ($part differs):"
            cat "$work/diff"
            ok=0
        fi
    done
    if [ "$ok" = 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
done
echo "golden: $pass passed, $fail failed"
[ "$fail" = 0 ]
