#!/usr/bin/env bash
# tests/data/repro/trace-openb-overflow.csv (see its README): refused with one line, exit 2.
cp "$AIF_GOLDEN_DIR/../data/repro/trace-openb-overflow.csv" .
exec "$AIF_BIN" replay trace-openb-overflow.csv --gpus 8
