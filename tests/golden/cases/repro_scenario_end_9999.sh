#!/usr/bin/env bash
# A scenario ending in 9999 (tests/data/repro): validate accepted it and run then overflowed
# int64 nanoseconds in procurement. Every date is now within 1970..2100 and the span at most
# 100 years: both verbs refuse it at the date's position (exit 2), and run writes nothing.
set -u
f=$AIF_GOLDEN_DIR/../data/repro/scenario-end-9999.yaml
"$AIF_BIN" validate "$f" 2>&1 | sed "s|$AIF_GOLDEN_DIR/../data/repro/||"
echo "exit ${PIPESTATUS[0]}"
"$AIF_BIN" run "$f" -o out 2>&1 | sed "s|$AIF_GOLDEN_DIR/../data/repro/||"
echo "exit ${PIPESTATUS[0]}"
[ -e out ] && echo "out exists" || echo "no output folder"
"$AIF_BIN" validate "$f" --set simulation.end=2100-01-01 --set simulation.start=1999-01-01 2>&1 |
    sed "s|$AIF_GOLDEN_DIR/../data/repro/||"
echo "exit ${PIPESTATUS[0]}"
