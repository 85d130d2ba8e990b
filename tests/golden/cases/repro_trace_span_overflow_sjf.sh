#!/usr/bin/env bash
# tests/data/repro/trace-span-overflow.csv (see its README): refused with one line, exit 2.
cp "$AIF_GOLDEN_DIR/../data/repro/trace-span-overflow.csv" .
exec "$AIF_BIN" replay trace-span-overflow.csv --gpus 1 --policy sjf
