#!/usr/bin/env bash
# As outputs_replay, with the output folder given as --out DIR: the same files.
AIF_OUT_FLAG=--out exec "$AIF_GOLDEN_DIR/outputs_golden.sh" "$AIF_BIN" "$AIF_GOLDEN_DIR" replay --gpus 64
