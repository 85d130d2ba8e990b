#!/usr/bin/env bash
# `report DIR -o OUT` (and its --out=OUT and --output OUT spellings) writes report.html into
# OUT and leaves DIR as it was.
set -eu
"$AIF_BIN" replay "$AIF_GOLDEN_DIR/../data/tiresias_60_job.csv" --gpus 64 --quiet --out=run
rm run/report.html
"$AIF_BIN" report run -o html1
"$AIF_BIN" report run --out=html2
"$AIF_BIN" report run --output html3
ls run html1 html2 html3
