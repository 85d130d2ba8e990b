#!/usr/bin/env bash
# --sample-s so fine that the time series would never end (1 ns: a row per nanosecond over
# the trace's hour) or would round to 0 (every event) is refused before anything is written.
cp "$AIF_GOLDEN_DIR/../data/tiresias_60_job.csv" .
for s in 1e-9 1e-12; do
    "$AIF_BIN" replay tiresias_60_job.csv --gpus 64 --sample-s $s -o out 2>&1 || echo "rc=$?"
done
test ! -e out && echo "no output folder"
"$AIF_BIN" replay tiresias_60_job.csv --gpus 64 --sample-s 60 -o out --quiet && wc -l < out/timeseries.csv
