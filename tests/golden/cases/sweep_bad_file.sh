#!/usr/bin/env bash
# Bad sweep files: every problem of a file is listed, each as file:line:col with what was
# expected and what was found, exit 2, and no output folder is written.
set -uo pipefail
check() {
    "$AIF_BIN" sweep "$1" -o out
    echo "rc=$?"
    [ -e out ] && echo "out was written"
}
cat > many.yaml <<'Y'
aifactory: 1
sweep:
  scenario: default
  set: {simulation.end: 2026-03-01, bad=key: 1}
  parameters:
    economics.power_price: {uniform: [90, 60], unit: USD/MWh}
    failures.repair_time: {values: []}
    failures.hardware_fraction: {normal: {mean: 0.5, sd: -1}}
    sites.0.phases.0.power: {values: [1 GW], triangular: [1, 2, 3]}
  design: latin
  replications: 0
  sed: 4
Y
check many.yaml
cat > grid.yaml <<'Y'
aifactory: 1
sweep:
  scenario: default
  parameters:
    economics.power_price: {lognormal: {median: 70, sigma: 0.3}, unit: USD/MWh}
  samples: 10
Y
check grid.yaml
cat > syntax.yaml <<'Y'
aifactory: 1
sweep:
  scenario: default
  parameters: {economics.power_price: {values: [60, 90]}
Y
check syntax.yaml
cat > scenario.yaml <<'Y'
aifactory: 1
sweep:
  scenario: no-such-scenario.yaml
  parameters:
    economics.power_price: {values: [60 USD/MWh]}
  design: random
Y
check scenario.yaml
printf 'aifactory: 1\nsweep: [1, 2]\n' > notmap.yaml
check notmap.yaml
exit 0
