#!/usr/bin/env bash
# Golden tests of the command line. Each case is tests/golden/cases/NAME.args (the
# arguments, one per line) with the expected NAME.stdout, NAME.stderr and NAME.rc beside it.
# A case may instead be a script, NAME.sh, run with bash in the scratch folder with
# AIF_BIN (the binary) and AIF_GOLDEN_DIR (this folder) in its environment: for checks of
# output files, whose digests it prints (see outputs_golden.sh).
# Usage: run_golden.sh AIFACTORY_BINARY GOLDEN_DIR
# Set AIF_GOLDEN_UPDATE=1 to rewrite the expected files from the current binary (then review
# the diff before committing).
set -euo pipefail
bin=$(realpath "$1")
dir=$2/cases
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
golden=$(realpath "$2")
for args_file in "$dir"/*.args "$dir"/*.sh; do
    [ -e "$args_file" ] || continue
    rc=0
    if [ "${args_file%.sh}" != "$args_file" ]; then
        name=$(basename "$args_file" .sh)
        (cd "$work" && NO_COLOR=1 AIF_BIN=$bin AIF_GOLDEN_DIR=$golden bash "$golden/cases/$name.sh" \
            > "$work/out" 2> "$work/err") || rc=$?
    else
        name=$(basename "$args_file" .args)
        mapfile -t args < "$args_file"
        (cd "$work" && NO_COLOR=1 "$bin" "${args[@]}" > "$work/out" 2> "$work/err") || rc=$?
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
