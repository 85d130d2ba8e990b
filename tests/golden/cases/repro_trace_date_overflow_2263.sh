#!/usr/bin/env bash
# tests/data/repro/trace-date-overflow-2263.csv (see its README): refused with one line, exit 2.
cp "$AIF_GOLDEN_DIR/../data/repro/trace-date-overflow-2263.csv" .
exec "$AIF_BIN" replay trace-date-overflow-2263.csv --gpus 1
