#!/usr/bin/env bash
# tests/data/repro/las-livelock3.csv (see its README): las with a 1.25 s quantum and a 1 s
# (then 2 s) resume overhead; it thrashed (2 s: never ended) while the overhead counted as
# attained service. Now every run progresses and the replay ends.
set -e
cp "$AIF_GOLDEN_DIR/../data/repro/las-livelock3.csv" .
for o in 1 2; do
    "$AIF_BIN" replay las-livelock3.csv --gpus 8 --policy las --las-thresholds 10 \
        --las-starve-factor 2 --preempt-overhead-s $o
done
