#!/usr/bin/env bash
# Golden check of the output files of a small fixed run, for the golden cases
# cases/outputs_*.sh. Writes the outputs into ./KIND-out (the golden runner's scratch folder)
# and prints one "sha256  file" line per CSV file except runs.csv (wall clock) and one for
# summary.json without its wall-clock keys (started_utc, finished_utc, wall_s), so any
# change in any value of any output shows as a changed line in the case's .stdout.
# The output folder is given with -o, or with the spelling in $AIF_OUT_FLAG (--out, --output)
# for the cases that check every spelling writes the same files.
# Usage: outputs_golden.sh AIFACTORY_BINARY GOLDEN_DIR run|replay [ARGS...]
set -euo pipefail
bin=$1
golden=$2
kind=$3
shift 3
out=$PWD/$kind-out
rm -rf "$out"
flag=${AIF_OUT_FLAG:--o}
case $kind in
run) "$bin" run "$@" --quiet "$flag" "$out" ;;
replay) "$bin" replay "$golden/../data/tiresias_60_job.csv" "$@" --quiet "$flag" "$out" ;;
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
