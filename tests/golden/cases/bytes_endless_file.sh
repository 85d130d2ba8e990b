#!/usr/bin/env bash
# A file that never ends (/dev/zero named as a scenario, a catalog the scenario names, a
# models file, a cluster file) was read until memory ran out: whole-file readers now stop
# at 64 MiB and say the file is too large (issue 17; found while fuzzing the scenario
# reader, whose `catalog:` names a file). The timeout turns a regression into rc 124.
set -u
run() {
    timeout 60 "$AIF_BIN" "$@" 2>&1
    echo "rc=$?"
}
cp "$AIF_GOLDEN_DIR/../data/repro/scenario-catalog-dev-zero.yaml" zero-catalog.yaml
printf 'job_id,submit_s,gpus,duration_s\n1,0,1,60\n' >trace.csv
run validate /dev/zero
run validate zero-catalog.yaml
run perf --model m1 --system hgx-h100 --gpus 8 --workload offline --models /dev/zero
run replay trace.csv --cluster /dev/zero
