#!/usr/bin/env bash
# `compare A B -o DIR` writes DIR/report.html only, published whole: the page holds both
# runs' charts overlaid ("A vs B: ..." with "A · x" and "B · x" series), the key outputs
# table and the contract events that differ; nothing else is written (the scenario sides
# run in memory); a folder that is not aifactory's, or one of the runs compared, is
# refused, untouched.
set -uo pipefail
ln -s "$AIF_GOLDEN_DIR/../../data" data
"$AIF_BIN" run data/scenarios/no-rofr.yaml --set simulation.end=2025-11-01 --quiet -o no-rofr
"$AIF_BIN" compare no-rofr data/scenarios/openai-nvidia-10gw.yaml --set simulation.end=2025-11-01 \
    -o cmp --quiet
echo "rc=$?"
ls -A | sort | tr '\n' ' '
echo
ls -A cmp
python3 - <<'PY'
import json, re
html = open("cmp/report.html", encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="aif-data">(.*?)</script>', html, re.S)
d = json.loads(m.group(1))
print("title:", d["title"])
print("run:", d["run"]["kind"], d["run"]["name"], d["run"]["start_date"])
for c in d["charts"]:
    names = [s["name"] for s in c["series"]]
    a = sum(n.startswith("A · ") for n in names)
    b = sum(n.startswith("B · ") for n in names)
    print("chart:", c["title"], "| A series", a, "| B series", b)
for t in d["tables"]:
    print("table:", t["id"], len(t["rows"]), "rows;", t["columns"])
print("events on the strip:", d["events"]["total"], sorted(set(d["events"]["kind"])))
print("assumptions that differ:", [r[0] for r in d["params"]["rows"]])
print("no remote resource:", 'src="http' not in html and "url(http" not in html)
PY
mkdir mine && echo keep > mine/notes.txt
"$AIF_BIN" compare no-rofr no-rofr -o mine
echo "rc=$?"
ls -A mine
before=$(sha256sum no-rofr/*)
"$AIF_BIN" compare no-rofr data/scenarios/no-rofr.yaml -o ./no-rofr/
echo "rc=$?"
[ "$before" = "$(sha256sum no-rofr/*)" ] && echo "no-rofr unchanged"
