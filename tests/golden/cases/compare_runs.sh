#!/usr/bin/env bash
# `compare A B` on two run folders (the default scenario and no-rofr, two months): the
# terminal table and --json; the folders are only read (their files unchanged, nothing
# rerun); a scenario file given instead of its folder gives the same outputs and events;
# a run compared with itself differs in nothing.
set -euo pipefail
ln -s "$AIF_GOLDEN_DIR/../../data" data
end=simulation.end=2025-11-01
"$AIF_BIN" run data/scenarios/openai-nvidia-10gw.yaml --set $end --quiet -o base
"$AIF_BIN" run data/scenarios/no-rofr.yaml --set $end --quiet -o no-rofr
before=$(cd base && sha256sum * && cd ../no-rofr && sha256sum *)
echo "== compare base no-rofr"
"$AIF_BIN" compare base no-rofr
echo "rc=$?"
echo "== compare base no-rofr --json (indented here)"
"$AIF_BIN" compare base no-rofr --json > dirs.json
python3 -m json.tool --indent 1 dirs.json
after=$(cd base && sha256sum * && cd ../no-rofr && sha256sum *)
[ "$before" = "$after" ] && echo "run folders unchanged by compare"
ls -A | sort | tr '\n' ' '
echo
echo "== scenario files instead of the folders"
"$AIF_BIN" compare data/scenarios/openai-nvidia-10gw.yaml data/scenarios/no-rofr.yaml \
    --set $end --json > scenarios.json
ls -A | sort | tr '\n' ' '
echo
python3 - <<'PY'
import json
d, s = json.load(open("dirs.json")), json.load(open("scenarios.json"))
for k in ("outputs", "events_only_in_a", "events_only_in_b", "events_changed"):
    print(k, "same as the run folders':", d[k] == s[k], len(d[k]))
print("sources:", s["a"]["source"], s["b"]["source"], "vs", d["a"]["source"], d["b"]["source"])
PY
echo "== compare base base --json"
"$AIF_BIN" compare base base --json > same.json
python3 - <<'PY'
import json
d = json.load(open("same.json"))
o = d["outputs"]
zero = [x["name"] for x in o if x["diff"] == 0]
both_none = [x["name"] for x in o if x["a"] is None and x["b"] is None]
print(len(o), "outputs:", len(zero), "differ by 0,", len(both_none), "absent on both sides")
print("others:", [x["name"] for x in o if x["name"] not in zero and x["name"] not in both_none])
print("ratios not 1:", [x["name"] for x in o if x["ratio"] not in (1, None)])
print("events differing:", len(d["events_only_in_a"]), len(d["events_only_in_b"]),
      len(d["events_changed"]))
PY
