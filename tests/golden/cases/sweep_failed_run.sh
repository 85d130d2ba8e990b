#!/usr/bin/env bash
# A run that cannot be built (an unknown system) is recorded with its error and the sweep
# goes on: the other runs are stored and analysed, the failed ones are listed, and the exit
# status is 1.
set -uo pipefail
mkdir tests && ln -s "$AIF_GOLDEN_DIR/../data" tests/data
cat > failing.yaml <<'Y'
aifactory: 1
sweep:
  scenario: tests/data/scenarios/sweep-small.yaml
  set: {simulation.end: 2026-05-01}
  parameters:
    sites.0.phases.0.system: {values: [gb200-nvl72, no-such-system, gb300-nvl72]}
Y
"$AIF_BIN" sweep failing.yaml -o out -j 2 --json > out.json
echo "rc=$?"
python3 - <<'PY'
import json
d = json.load(open("out.json"))
print("failed:", d["failed"])
for r in d["runs"]:
    what = r["error"] if r["status"] == "failed" else "capex_usd=%.0f" % r["metrics"]["capex_usd"]
    print(r["index"], r["status"], json.dumps(r["params"]), what)
print("capex runs:", d["outputs"]["capex_usd"]["runs"])
PY
"$AIF_BIN" sweep failing.yaml -o out --resume
echo "rc=$?"
