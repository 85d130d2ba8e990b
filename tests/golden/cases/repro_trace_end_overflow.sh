#!/usr/bin/env bash
# tests/data/repro/trace-end-overflow.csv (see its README): refused with one line, exit 2.
cp "$AIF_GOLDEN_DIR/../data/repro/trace-end-overflow.csv" .
exec "$AIF_BIN" replay trace-end-overflow.csv --gpus 1
