#!/usr/bin/env bash
# A `%` followed by a byte that is not UTF-8 sent libfyaml 0.7.12 into an endless loop in its
# directive scanner. Every YAML input is now checked for UTF-8 (and NUL) before libfyaml sees
# it: each loader answers at once with exit 2 and the position of the bad byte. The timeout
# turns a regression into a failure (rc 124) instead of a stuck test.
set -u
cp "$AIF_GOLDEN_DIR/../data/repro/yaml-directive-hang.yaml" hang.yaml
run() {
    timeout 20 "$AIF_BIN" "$@" 2>&1
    echo "rc=$?"
}
run validate hang.yaml
run catalog list --catalog hang.yaml
run perf --model m1 --system hgx-h100 --gpus 8 --workload offline --models hang.yaml
printf 'job_id,submit_s,gpus,duration_s\n1,0,1,60\n' >trace.csv
run replay trace.csv --cluster hang.yaml
