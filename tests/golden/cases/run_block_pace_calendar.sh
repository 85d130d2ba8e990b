#!/usr/bin/env bash
# Blocks open on calendar days: a pace of whole months steps calendar months from the first
# block (2026-07-01, -10-01, 2027-01-01, -04-01; 2026-02-01, -03-01, -04-01, -05-01), any
# other pace lands on the nearest midnight (1.5 months: 2026-02-01 then 2026-03-19), and no
# time in the CSV files carries float noise (90 days was 7776000.000000001 s).
set -euo pipefail
"$AIF_BIN" run "$AIF_GOLDEN_DIR/../data/scenarios/block-pace.yaml" --quiet --no-report -o out
python3 - <<'PY'
import csv, datetime, json
start = datetime.datetime(2026, 1, 1)
rows = [r for r in csv.DictReader(open("out/events.csv")) if r["kind"] == "block_online"]
for r in sorted(rows, key=lambda r: json.loads(r["detail_json"])["block"]):
    t = start + datetime.timedelta(seconds=float(r["time_s"]))
    print(json.loads(r["detail_json"])["block"], t.isoformat(sep=" "))
noisy = 0
for name in ("events", "ledger", "timeseries", "runs", "contracts"):
    for row in csv.reader(open(f"out/{name}.csv")):
        noisy += sum(1 for v in row if "." in v and ("0000000" in v.split(".")[1] or "9999999" in v.split(".")[1]))
print("fields with float noise:", noisy)
PY
