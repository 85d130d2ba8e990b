#!/usr/bin/env bash
# Standard output lost to a full disk is a failure for every verb and for --json and
# --help output alike: one line naming the cause, exit 1.
set -u
for cmd in "catalog list" "catalog list --json" "plan --help" "--help" \
    "plan --power 1GW --system gb200-nvl72 --json" \
    "perf --model llama3.1-70b --system hgx-h100 --gpus 8 --workload offline"; do
    # shellcheck disable=SC2086 # the words of $cmd are the arguments
    "$AIF_BIN" $cmd >/dev/full 2>err
    echo "$cmd: exit $?: $(cat err)"
done
