#!/usr/bin/env bash
# The sweep's report.html (docs/sweep.md "The report"): the same bytes serially and with
# -j 2 (and with --resume after runs were deleted: browser.sweep_report); self-contained (no
# external script, style or link); its data: the fan charts' dates and percentiles (the
# last capex point of each run is its capex_usd), the tornado bars of the power bill
# (the power price's low and high ends), the table of runs with a failed run's error, and
# a sweep of one run (bands of zero width, no tornado).
set -uo pipefail
mkdir tests && ln -s "$AIF_GOLDEN_DIR/../data" tests/data
"$AIF_BIN" sweep tests/data/sweeps/grid.yaml -o serial --quiet
"$AIF_BIN" sweep tests/data/sweeps/grid.yaml -o parallel -j 2 --json > parallel.json
cmp serial/report.html parallel/report.html && echo "report.html identical serially and with -j 2"
cat > failing.yaml <<'Y'
aifactory: 1
sweep:
  scenario: tests/data/scenarios/sweep-small.yaml
  set: {simulation.end: 2026-05-01}
  parameters:
    sites.0.phases.0.system: {values: [gb200-nvl72, no-such-system]}
Y
"$AIF_BIN" sweep failing.yaml -o failing --quiet
echo "failing rc=$?"
cat > one.yaml <<'Y'
aifactory: 1
sweep:
  scenario: tests/data/scenarios/sweep-small.yaml
  set: {simulation.end: 2026-04-01}
  parameters:
    economics.power_price: {values: [70 USD/MWh]}
Y
"$AIF_BIN" sweep one.yaml -o one --quiet
echo "one rc=$?"
python3 - <<'PY'
import json, re
def doc(path):
    html = open(path, encoding="utf-8").read()
    assert not re.search(r'<script[^>]+src=|<link[^>]+href=|@import', html), "external resource"
    m = re.search(r'<script type="application/json" id="aif-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))
d = doc("serial/report.html")
print("self-contained: yes; keys:", list(d))
print("sweep:", json.dumps(d["sweep"]))
runs = json.load(open("parallel.json"))["runs"]
for f in d["fans"]:
    k = len(f["x"]) - 1
    print("fan %s (%s): %d points, %s..%s, last p10 %.6g p50 %.6g p90 %.6g, runs %s" % (
        f["name"], f["unit"], len(f["x"]), f["x"][0], f["x"][-1], f["p10"][k], f["p50"][k],
        f["p90"][k], sorted(set(f["runs"]))))
capex = sorted(r["metrics"]["capex_usd"] for r in runs)
print("last capex point = capex_usd of the runs:",
      [f for f in d["fans"] if f["name"] == "capex_usd"][0]["p50"][-1] == capex[len(capex) // 2])
for t in d["tornado"]:
    if t["output"] in ("power_usd", "gpu_hours_failed"):
        print("tornado", t["output"], "mean %.6g" % t["mean"], [(b["parameter"], "%.6g" % b["low"],
              "%.6g" % b["high"], b["low_runs"], b["high_runs"], round(b["rho"], 4) if b["rho"] is not None else None)
              for b in t["bars"]])
print("tornado outputs:", [t["output"] for t in d["tornado"]])
print("constant outputs:", len(d["constant_outputs"]))
print("runs table:", d["runs"]["columns"])
print(d["runs"]["rows"][0])
f = doc("failing/report.html")
print("failing:", f["sweep"]["failed"], "failed;", [r[3] + ": " + str(r[-1]) for r in f["runs"]["rows"]])
print("failing fans count runs:", sorted(set(n for x in f["fans"] for n in x["runs"])))
o = doc("one/report.html")
print("one run: tornado", o["tornado"], "bands equal:",
      all(x["p10"] == x["p90"] == x["p50"] for x in o["fans"]), "points", len(o["fans"][0]["x"]))
PY
