#!/usr/bin/env bash
# Browser test of the HTML report, run by CTest (label `browser`):
#   run_browser_test.sh MAKE_REPORTS NODE_MODULES OUTDIR
# MAKE_REPORTS writes a synthetic scenario and replay (database, CSV, summary.json,
# report.html, report-svg.html) into OUTDIR; the aifactory binary built beside it
# (AIF_BIN overrides) then writes a real small scenario run (the default scenario, six
# months), its comparison with no-rofr (OUTDIR/compare) and real replays of
# tests/data/tiresias_60_job.csv (FIFO, and LAS with preemptions) into OUTDIR/run,
# OUTDIR/real-replay and OUTDIR/las-replay; check_report.cjs opens every page in headless chromium and saves
# screenshots next to them. Exit 77 (CTest: skipped) when node, chromium
# or playwright-core is genuinely absent; under CI=true that is a failure instead, because
# .ci/run installs all three.
set -euo pipefail
make_reports=$1
modules=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=prereqs.sh
source "$here/prereqs.sh"

rm -rf "$out"
mkdir -p "$out"
"$make_reports" "$out"
bin=${AIF_BIN:-$(dirname "$make_reports")/aifactory}
[ -x "$bin" ] || { echo "browser test: $bin not built" >&2; exit 1; }
"$bin" run --set simulation.end=2026-03-01 --quiet -o "$out/run"
# The two runs overlaid (`compare -o`): the saved run against no-rofr over the same months.
"$bin" compare "$out/run" "$here/../../data/scenarios/no-rofr.yaml" \
    --set simulation.end=2026-03-01 --quiet -o "$out/compare"
"$bin" replay "$here/../data/tiresias_60_job.csv" --gpus 64 --quiet -o "$out/real-replay"
# LAS with a low threshold on 16 GPUs preempts jobs (21 times): the busy-GPU curve must
# still never exceed the cluster (issue 18).
"$bin" replay "$here/../data/tiresias_60_job.csv" --gpus 16 --policy las --las-thresholds 100 \
    --quiet -o "$out/las-replay"
# replay writes the database but not the page: `aifactory report` draws it.
"$bin" report "$out/real-replay" --quiet
"$bin" report "$out/las-replay" --quiet
node "$here/check_report.cjs" "$modules" "$chromium" "$out"
