#!/usr/bin/env bash
# As outputs_replay, with the older spelling --output DIR, kept as an alias: the same files.
AIF_OUT_FLAG=--output exec "$AIF_GOLDEN_DIR/outputs_golden.sh" "$AIF_BIN" "$AIF_GOLDEN_DIR" replay --gpus 64
