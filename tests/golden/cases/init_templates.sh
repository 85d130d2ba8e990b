#!/usr/bin/env bash
# `init` writes each template; each validates and runs as written (the full template, the
# built-in scenario, is cut to 2026-01-01 to keep the test short). The file is named after
# FILE, an existing FILE is kept without --force, and an unknown template is refused.
set -uo pipefail
for t in full single-site cloud-only; do
    "$AIF_BIN" init --template "$t" "plan-$t.yaml"
    echo "init $t: rc=$?"
    grep '^name:' "plan-$t.yaml"
    "$AIF_BIN" validate "plan-$t.yaml" | head -1
    extra=()
    [ "$t" = full ] && extra=(--set simulation.end=2026-01-01)
    "$AIF_BIN" run "plan-$t.yaml" "${extra[@]}" --quiet -o "out-$t"
    echo "run $t: rc=$? summary=$(test -s "out-$t/summary.json" && echo yes)"
done
"$AIF_BIN" init --template cloud-only plan-full.yaml
echo "existing: rc=$?"
"$AIF_BIN" init --template cloud-only plan-full.yaml --force --json
echo "forced: rc=$?"
"$AIF_BIN" init --template bogus x.yaml
echo "unknown: rc=$? exists=$(test -e x.yaml && echo yes || echo no)"
"$AIF_BIN" init --list-templates --json
