#!/usr/bin/env bash
# `compare` on two replay folders (FIFO and LAS on 16 GPUs, the 60-job Tiresias trace):
# a replay's own metrics with units (GPU utilisation a fraction, slowdown a ratio), no
# fleet figures and no contract events.
set -euo pipefail
trace=$AIF_GOLDEN_DIR/../data/tiresias_60_job.csv
"$AIF_BIN" replay "$trace" --gpus 16 --quiet -o fifo
"$AIF_BIN" replay "$trace" --gpus 16 --policy las --las-thresholds 100 --quiet -o las
"$AIF_BIN" compare fifo las
