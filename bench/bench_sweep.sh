#!/usr/bin/env bash
# bench_sweep.sh: what `aifactory sweep` costs and gains, as whole processes.
#   1. -j 2 against -j 1 on the same sweep of short runs (bench/sweep_short.yaml, 16 runs):
#      the speed-up of two workers on two cores;
#   2. the sweep's own cost per run: `sweep -j 1` of those 16 runs against 16 plain
#      `aifactory run --no-report` of the same configurations, one after the other (the
#      ratio is above 1 by the sweep's overhead, below 1 where a plain run's result files
#      cost more than the sweep's store).
# Each pair runs A then B, ROUNDS times, and the ratio A/B is taken pair by pair (so a
# machine whose speed drifts does not bias it); the median is printed.
# Usage: bench/bench_sweep.sh [AIFACTORY (build/release/aifactory)] [ROUNDS (5)]
set -euo pipefail
bin=$(realpath "${1:-build/release/aifactory}")
rounds=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
sweep=$here/sweep_short.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }

# The 16 runs' --set lists, read from a sweep's store.
"$bin" sweep "$sweep" -o "$work/plan" --quiet
mapfile -t sets < <(python3 - "$work/plan/sweep.sqlite" <<'PY'
import json, sqlite3, sys
for (sets,) in sqlite3.connect(sys.argv[1]).execute("select sets from runs order by idx"):
    print(" ".join("--set " + s.replace(" ", "") for s in json.loads(sets)))
PY
)
scenario=$here/../tests/data/scenarios/sweep-small.yaml

sweep_j() { rm -rf "$work/s"; "$bin" sweep "$sweep" -o "$work/s" -j "$1" --quiet; }
plain_runs() {
    for s in "${sets[@]}"; do
        rm -rf "$work/r"
        # shellcheck disable=SC2086
        "$bin" run "$scenario" $s --no-report --quiet -o "$work/r"
    done
}

pair() { # name, command A, command B
    local name=$1 a=$2 b=$3 ratios=() ta tb t0
    for _ in $(seq 1 "$rounds"); do
        t0=$(now); $a; ta=$(echo "$(now) - $t0" | bc -l)
        t0=$(now); $b; tb=$(echo "$(now) - $t0" | bc -l)
        ratios+=("$(echo "$ta / $tb" | bc -l)")
        printf "  %s: A %.2f s, B %.2f s\n" "$name" "$ta" "$tb"
    done
    printf "%s: median ratio A/B %.3f (%d pairs)\n" "$name" \
        "$(printf "%s\n" "${ratios[@]}" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')" \
        "$rounds"
}

sweep_j1() { sweep_j 1; }
sweep_j2() { sweep_j 2; }
pair "sweep -j 2 / sweep -j 1 (16 runs)" sweep_j2 sweep_j1
pair "sweep -j 1 / 16 plain runs" sweep_j1 plain_runs
