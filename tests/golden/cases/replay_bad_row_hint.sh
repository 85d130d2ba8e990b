#!/usr/bin/env bash
# The bundled Alibaba trace has a pod deleted before it was created (row 7287): the error
# names the row and column and says how to go on past such rows; with --skip-bad the
# replay runs and counts the rows it skipped.
t="$AIF_GOLDEN_DIR/../data/openb_pod_list_default.csv.zst"
"$AIF_BIN" replay "$t" --gpus 64 --quiet 2>&1 | sed 's|.*/openb|openb|'
echo "rc=${PIPESTATUS[0]}"
"$AIF_BIN" replay "$t" --gpus 64 --skip-bad --json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print("skipped_rows", d.get("skipped_rows", d.get("trace", {}).get("skipped_rows")))'
echo "rc=${PIPESTATUS[0]}"
