#!/usr/bin/env bash
# Browser test of a sweep's report.html (label `browser`):
#   run_sweep_browser_test.sh AIFACTORY NODE_MODULES OUTDIR
# Runs small sweeps of the short test scenario into OUTDIR: a 2 x 2 grid with two
# replications (and its page with uPlot switched off, for the built-in SVG charts), a sweep
# with a failed run, a sweep of one run, a random design, a Latin hypercube over catalog
# ranges, and the grid again killed short (three runs deleted from its store) and finished
# with --resume, whose page must equal the uninterrupted one byte for byte.
# check_sweep_report.cjs then opens every page in headless chromium. Exit 77 (skipped) when
# node, chromium or playwright-core is absent; under CI=true that is a failure.
set -euo pipefail
bin=$(realpath "$1")
modules=$(cd "$2" 2>/dev/null && pwd || echo "$2")
mkdir -p "$3"
out=$(cd "$3" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
data=$(realpath "$here/../data")
# shellcheck source=prereqs.sh
source "$here/prereqs.sh"

rm -rf "$out"
mkdir -p "$out"
cd "$out"
sweep() { # FILE DIR [args...]: a sweep; exit 1 (a failed run) is expected of some
    local f=$1 d=$2
    shift 2
    "$bin" sweep "$f" -o "$d" --quiet "$@" || [ $? = 1 ]
}
cat > failing.yaml <<Y
aifactory: 1
sweep:
  scenario: $data/scenarios/sweep-small.yaml
  set: {simulation.end: 2026-05-01}
  parameters:
    sites.0.phases.0.system: {values: [gb200-nvl72, no-such-system, gb300-nvl72]}
    economics.power_price: {values: [60 USD/MWh, 90 USD/MWh]}
Y
cat > one.yaml <<Y
aifactory: 1
sweep:
  scenario: $data/scenarios/sweep-small.yaml
  set: {simulation.end: 2026-04-01}
  parameters:
    economics.power_price: {values: [70 USD/MWh]}
Y
cat > random.yaml <<Y
aifactory: 1
sweep:
  scenario: $data/scenarios/sweep-small.yaml
  set: {simulation.end: 2026-09-01}
  parameters:
    economics.power_price: {triangular: [50, 73, 120], unit: USD/MWh}
    failures.interruptions_per_gpu_year: {uniform: [0.1, 0.3]}
  design: random
  samples: 5
  seed: 3
Y
sweep "$data/sweeps/grid.yaml" grid -j 2
sed 's/"charts_library":{"uplot":true/"charts_library":{"uplot":false/' grid/report.html \
    > grid/report-svg.html
sweep failing.yaml failing -j 2
sweep one.yaml one
sweep random.yaml random -j 2
sweep "$data/sweeps/catalog-ranges.yaml" ranges -j 2
# Killed short: three runs missing from the store, then --resume runs only those.
sweep "$data/sweeps/grid.yaml" resumed -j 2
python3 - <<'PY'
import sqlite3
db = sqlite3.connect("resumed/sweep.sqlite")
for t in ("series", "metrics"):
    db.execute("DELETE FROM %s WHERE run IN (1, 4, 6)" % t)
db.execute("DELETE FROM runs WHERE idx IN (1, 4, 6)")
db.commit()
PY
rm resumed/report.html
sweep "$data/sweeps/grid.yaml" resumed --resume
cmp grid/report.html resumed/report.html ||
    { echo "FAIL: the resumed sweep's report.html differs from the uninterrupted one" >&2; exit 1; }
echo "resumed report identical: yes"
node "$here/check_sweep_report.cjs" "$modules" "$chromium" "$out"
