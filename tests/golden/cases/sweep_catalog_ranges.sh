#!/usr/bin/env bash
# `catalog: ranges` draws every ranged catalog value under the `only` prefixes (the GB200
# NVL72 rack's IT power, price and host CPUs, and the facility's PUE) by the sweep's
# design: each run's params hold the catalog key paths, every drawn value lies in the
# catalog's [low, high] (read here from data/catalog.yaml itself), each draw reaches the
# run (the capex follows the rack price), the same seed draws the same values (serially and
# with -j 2); a scenario's own catalog section sets the range drawn and the key overridden;
# a grid, bad `only` prefixes and a catalog in a file are refused at their file:line:col.
set -uo pipefail
mkdir tests && ln -s "$AIF_GOLDEN_DIR/../data" tests/data
"$AIF_BIN" sweep tests/data/sweeps/catalog-ranges.yaml -o a --json > a.json
echo "rc=$?"
"$AIF_BIN" sweep tests/data/sweeps/catalog-ranges.yaml -o b -j 2 --json > b.json
echo "rc=$?"
CATALOG="$AIF_GOLDEN_DIR/../../data/catalog.yaml" python3 - <<'PY'
import json, os, re, sqlite3
a = json.load(open("a.json"))
b = json.load(open("b.json"))
print("same seed, same runs:", a["runs"] == b["runs"], "same hash:", a["sweep"]["hash"] == b["sweep"]["hash"])
print("parameters:", json.dumps(a["sweep"]["parameters"]))
# [low, high] of a key path, straight from the catalog file.
text = open(os.environ["CATALOG"]).read()
def bounds(key):
    parts = key.split(".")[1:]
    section = text[text.index("\n" + parts[0] + ":"):]
    if len(parts) == 3:
        section = section[section.index("\n  " + parts[1] + ":"):]
    line = re.search(r"\n +" + re.escape(parts[-1]) + r": \{[^\n]*", section).group(0)
    low = float(re.search(r"low: ([0-9.e+-]+)", line).group(1))
    high = float(re.search(r"high: ([0-9.e+-]+)", line).group(1))
    return low, high
inside = 0
for r in a["runs"]:
    for k, v in r["params"].items():
        if k.startswith("catalog."):
            lo, hi = bounds(k)
            assert lo <= float(v) <= hi, (k, v, lo, hi)
            inside += 1
    print(r["index"], r["status"], json.dumps(r["params"]), "capex_usd=%.0f" % r["metrics"]["capex_usd"])
print("catalog values inside [low, high]:", inside)
o = a["outputs"]["capex_usd"]["spearman"]
print("capex_usd spearman:", json.dumps(o))
db = sqlite3.connect("a/sweep.sqlite")
sets = json.loads(db.execute("select sets from runs where idx = 0").fetchone()[0])
print("run 0 sets:", json.dumps(sets))
PY
cat > grid.yaml <<'Y'
aifactory: 1
sweep:
  scenario: tests/data/scenarios/sweep-small.yaml
  parameters:
    failures.interruptions_per_gpu_year: {values: [0.1, 0.3]}
    catalog: ranges
Y
"$AIF_BIN" sweep grid.yaml -o grid
echo "rc=$?"
cat > only.yaml <<'Y'
aifactory: 1
sweep:
  scenario: tests/data/scenarios/sweep-small.yaml
  parameters:
    catalog: {draw: ranges, only: [catalog.systems.no-such-rack]}
  design: random
  samples: 2
Y
"$AIF_BIN" sweep only.yaml -o only
echo "rc=$?"
sed -i 's/catalog.systems.no-such-rack/facility.pue/' only.yaml
"$AIF_BIN" sweep only.yaml -o only
echo "rc=$?"
# The scenario's own catalog section: its narrower PUE range is the one drawn, and its
# field written with `value:` is overridden as `value`; a catalog in a file is refused.
sed 's|^economics:|catalog:\n  facility:\n    pue: {value: 1.2, low: 1.15, high: 1.25, confidence: M, source: "my survey"}\neconomics:|' \
    tests/data/scenarios/sweep-small.yaml > inline.yaml
sed 's|^economics:|catalog: my-catalog.yaml\neconomics:|' tests/data/scenarios/sweep-small.yaml > filed.yaml
printf 'facility:\n  pue: {default: 1.2, low: 1.1, high: 1.3, confidence: M, source: "x"}\n' > my-catalog.yaml
for scenario in inline filed; do
    cat > $scenario-sweep.yaml <<Y
aifactory: 1
sweep:
  scenario: $scenario.yaml
  set: {simulation.end: 2026-03-01}
  parameters:
    catalog: {draw: ranges, only: [catalog.facility.pue]}
  design: random
  samples: 3
Y
    "$AIF_BIN" sweep $scenario-sweep.yaml -o $scenario --json > $scenario.json
    echo "rc=$?"
done
python3 - <<'PY'
import json, sqlite3
d = json.load(open("inline.json"))
for r in d["runs"]:
    v = float(r["params"]["catalog.facility.pue"])
    print(r["index"], r["status"], "pue", r["params"]["catalog.facility.pue"], "in [1.15, 1.25]:", 1.15 <= v <= 1.25)
print(json.loads(sqlite3.connect("inline/sweep.sqlite").execute("select sets from runs where idx = 0").fetchone()[0]))
PY
[ -e grid ] || [ -e only ] || [ -e filed ] && echo "an output folder was written"
exit 0
