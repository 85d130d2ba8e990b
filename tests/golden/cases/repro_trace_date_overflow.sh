#!/usr/bin/env bash
# tests/data/repro/trace-date-overflow.csv (see its README): refused with one line, exit 2.
cp "$AIF_GOLDEN_DIR/../data/repro/trace-date-overflow.csv" .
exec "$AIF_BIN" replay trace-date-overflow.csv --gpus 1
