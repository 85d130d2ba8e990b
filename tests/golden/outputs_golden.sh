#!/usr/bin/env bash
# Golden check of the output files of a small fixed run, for the golden cases
# cases/outputs_*.sh. Writes the outputs into ./KIND-out (the golden runner's scratch folder)
# and prints one "sha256  file" line per CSV file except runs.csv (wall clock) and one for
# summary.json without its wall-clock keys (started_utc, finished_utc, wall_s), so any
# change in any value of any output shows as a changed line in the case's .stdout.
# Usage: outputs_golden.sh AIFACTORY_BINARY GOLDEN_DIR run|replay [ARGS...]
set -euo pipefail
bin=$1
golden=$2
kind=$3
shift 3
out=$PWD/$kind-out
rm -rf "$out"
case $kind in
run) "$bin" run "$@" --quiet -o "$out" ;;
replay) "$bin" replay "$golden/../data/tiresias_60_job.csv" "$@" --quiet -o "$out" ;;
*)
    echo "outputs_golden.sh: unknown kind '$kind'" >&2
    exit 2
    ;;
esac
cd "$out"
for f in $(ls ./*.csv | LC_ALL=C sort); do
    [ "$f" = ./runs.csv ] || sha256sum "${f#./}"
done
grep -v -E '^ *"(started_utc|finished_utc|wall_s)":' summary.json | sha256sum |
    sed 's/-$/summary.json (without wall-clock keys)/'
