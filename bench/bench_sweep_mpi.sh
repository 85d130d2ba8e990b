#!/usr/bin/env bash
# bench_sweep_mpi.sh: `mpirun -np 3 aifactory sweep` (rank 0 managing, two workers) against
# the serial sweep (-j 1) of the same runs, bench/sweep_default.yaml (6 runs of about a
# second each), as whole processes with /usr/bin/time: A then B, ROUNDS times, the ratio
# of wall times A/B taken pair by pair (so a machine whose speed drifts does not bias
# it); the median is printed, with each pair's wall and CPU seconds.
# Usage: bench/bench_sweep_mpi.sh [AIFACTORY (build/release/aifactory)] [ROUNDS (5)] [SWEEP]
# SWEEP defaults to bench/sweep_default.yaml; bench/sweep_mpi_long.yaml (48 runs, ~20 s
# serially) is the sweep of the figure quoted for the issue's target.
# Runs as root too (Open MPI's root guard is lifted for this script only).
set -euo pipefail
bin=$(realpath "${1:-build/release/aifactory}")
rounds=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
sweep=$(realpath "${3:-$here/sweep_default.yaml}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

timed() { # prints "wall cpu" of the command
    /usr/bin/time -f "%e %U %S" -o "$work/t" "$@" >/dev/null
    awk '{printf "%s %.2f\n", $1, $2 + $3}' "$work/t"
}
ratios=()
for _ in $(seq 1 "$rounds"); do
    read -r wa ca < <(timed mpirun --oversubscribe -np 3 "$bin" sweep "$sweep" -o "$work/a" --quiet)
    read -r wb cb < <(timed "$bin" sweep "$sweep" -o "$work/b" --quiet)
    ratios+=("$(echo "$wa / $wb" | bc -l)")
    printf "  mpirun -np 3: %.2f s wall, %.2f s CPU; -j 1: %.2f s wall, %.2f s CPU\n" \
        "$wa" "$ca" "$wb" "$cb"
done
printf "mpirun -np 3 / -j 1: median wall ratio %.3f (speed-up %.2fx, %d pairs)\n" \
    "$(printf "%s\n" "${ratios[@]}" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')" \
    "$(printf "%s\n" "${ratios[@]}" | sort -g | awk '{v[NR] = $1} END {print 1 / ((NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}')" \
    "$rounds"
