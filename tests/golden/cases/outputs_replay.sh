#!/usr/bin/env bash
# tests/data/tiresias_60_job.csv on 64 GPUs (fifo, seed 1): every CSV and summary.json.
exec "$AIF_GOLDEN_DIR/outputs_golden.sh" "$AIF_BIN" "$AIF_GOLDEN_DIR" replay --gpus 64
