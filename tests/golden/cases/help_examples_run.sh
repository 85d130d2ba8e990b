#!/usr/bin/env bash
# Every worked example in every verb's --help runs and exits 0, in the order `aifactory
# --help` lists the verbs (report's examples read what run's and replay's wrote). Paths in
# the examples are relative to the project root, so data/ and tests/data/ are linked in.
# Runs of the full default scenario are cut to 2026-01-01 to keep the test short.
set -uo pipefail
root=$AIF_GOLDEN_DIR/../..
ln -s "$root/data" data
mkdir tests && ln -s "$root/tests/data" tests/data
verbs=$("$AIF_BIN" --help | awk '/^Verbs:/ {on = 1; next} on && NF == 0 {exit} on {print $1}')
for verb in $verbs; do
    "$AIF_BIN" "$verb" --help | awk '/^Examples:/ {on = 1; next} on && NF {print}' |
        while read -r line; do
            cmd=$(printf "%s" "${line%%#*}" | sed "s/ *$//")
            set -- $cmd
            shift
            extra=()
            if [ "$verb" = run ] && [ $# -eq 1 ]; then
                extra=(--set simulation.end=2026-01-01)
            fi
            "$AIF_BIN" "$@" "${extra[@]}" > /dev/null 2> err
            echo "$verb example: rc=$? ($cmd)"
            [ -s err ] && sed 's/^/  stderr: /' err
        done
done
