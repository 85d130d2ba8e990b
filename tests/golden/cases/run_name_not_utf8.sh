#!/usr/bin/env bash
# tests/data/repro/doc-min.yaml with a scenario name that is not UTF-8: refused at the
# --set (exit 2, one line), and no output folder, partial or not, is created. (It used to
# run, then fail writing summary.json with "cannot build the summary: not an error",
# leaving results.sqlite and the CSVs in the folder.)
set -u
"$AIF_BIN" run "$AIF_GOLDEN_DIR/../data/repro/doc-min.yaml" --set $'name=bad\xffname' --quiet -o out
echo "exit $?"
ls -A
