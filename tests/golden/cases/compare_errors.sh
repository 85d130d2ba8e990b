#!/usr/bin/env bash
# `compare` refuses, on one line naming the path and what was expected, exit 2: a folder
# that is not a run folder, a summary.json that is not JSON, not aifactory's or of another
# schema version, a folder with no results.sqlite, a results.sqlite that is not a results
# database, a scenario file that does not exist, and one run instead of two.
set -uo pipefail
ln -s "$AIF_GOLDEN_DIR/../../data" data
try() {
    "$AIF_BIN" compare "$@" > out 2> err
    echo "compare $*: rc=$? stdout=$(wc -c < out) bytes"
    cat err
}
"$AIF_BIN" run data/scenarios/no-rofr.yaml --set simulation.end=2025-10-01 --quiet --no-report -o good
mkdir notes && echo hi > notes/notes.txt
try notes good
mkdir corrupt && cp good/results.sqlite corrupt/ && printf '{"format": "aifactory-summary",\n  "runs": [' > corrupt/summary.json
try good corrupt
mkdir old && cp good/results.sqlite old/ &&
    sed 's/"results_schema_version": *[0-9]*/"results_schema_version": 1/' good/summary.json > old/summary.json
try old good
mkdir foreign && cp good/results.sqlite foreign/ && echo '{"format": "other"}' > foreign/summary.json
try good foreign
mkdir nodb && cp good/summary.json nodb/
try nodb good
mkdir baddb && cp good/summary.json baddb/ && echo "not a database" > baddb/results.sqlite
try good baddb
try good missing.yaml
try good
