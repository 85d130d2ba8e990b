#!/usr/bin/env bash
# tests/data/repro/trace-fuzz-date.csv (see its README): refused with one line, exit 2.
cp "$AIF_GOLDEN_DIR/../data/repro/trace-fuzz-date.csv" .
exec "$AIF_BIN" replay trace-fuzz-date.csv --gpus 8
