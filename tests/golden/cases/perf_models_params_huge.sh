#!/usr/bin/env bash
# A models file with a 1e308-parameter model (tests/data/repro): perf refuses it with the
# GPU count it would need said as "more than 2^40", never converted to an integer (exit 2).
set -u
"$AIF_BIN" perf --model m1 --system hgx-h100 --gpus 8 --workload offline \
    --models "$AIF_GOLDEN_DIR/../data/repro/models-params-huge.yaml" 2>&1
echo "exit $?"
