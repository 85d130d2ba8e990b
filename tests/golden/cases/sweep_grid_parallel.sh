#!/usr/bin/env bash
# A 2 x 2 grid with two seeds on the short test scenario: the per-run metrics and the
# analysis are identical serially and with -j 2; the runs come sorted by index with their
# parameters; the power bill follows the power price (Spearman +1) and the failed GPU-hours
# the failure rate; the store holds every run, metric and key.
set -euo pipefail
mkdir tests && ln -s "$AIF_GOLDEN_DIR/../data" tests/data
"$AIF_BIN" sweep tests/data/sweeps/grid.yaml -o serial --json > serial.json
"$AIF_BIN" sweep tests/data/sweeps/grid.yaml -o parallel -j 2 --json > parallel.json
"$AIF_BIN" sweep tests/data/sweeps/grid.yaml -o table -j 3
python3 - <<'PY'
import json, sqlite3
a = json.load(open("serial.json"))
b = json.load(open("parallel.json"))
print("runs identical:", a["runs"] == b["runs"], "outputs identical:", a["outputs"] == b["outputs"])
print("sweep:", json.dumps(a["sweep"]))
print("failed:", a["failed"], "out_dir:", a["out_dir"])
for r in a["runs"]:
    m = r["metrics"]
    print(r["index"], r["point"], r["replication"], r["key"], r["status"],
          json.dumps(r["params"]), "power_usd=%.2f" % m["power_usd"],
          "gpu_hours_failed=%.0f" % m["gpu_hours_failed"],
          "research_jobs_done=%d" % m["research_jobs_done"])
for name in ("power_usd", "gpu_hours_failed", "capex_usd"):
    o = a["outputs"][name]
    print(name, json.dumps(o))
db = sqlite3.connect("serial/sweep.sqlite")
print("store:", db.execute("select count(*), sum(status = 'ok') from runs").fetchone(),
      db.execute("select count(*) from metrics").fetchone()[0], "metrics,",
      db.execute("select design, points, replications, seed, runs, parameters from sweeps").fetchone())
PY
