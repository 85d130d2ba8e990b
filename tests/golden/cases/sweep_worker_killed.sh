#!/usr/bin/env bash
# A worker killed by SIGKILL from outside is replaced and the sweep finishes: every run is
# stored. Killed in the middle of a run (the usual case), that run is failed with the
# signal's name and the exit status is 1; killed between two runs, nothing is lost and the
# exit status is 0.
set -uo pipefail
mkdir tests && ln -s "$AIF_GOLDEN_DIR/../data" tests/data
"$AIF_BIN" sweep tests/data/sweeps/kill.yaml -o out -j 2 --json --progress always \
    > out.json 2> err.txt &
pid=$!
done_runs() { tr '\r' '\n' < err.txt | sed -n 's|^aifactory sweep: \([0-9]*\)/.*|\1|p' | tail -1; }
# Once a run is stored both workers are busy; kill one well before the last runs (after
# them, the first child could be the leak checker's helper of the exiting manager).
for _ in $(seq 1 3000); do
    n=$(done_runs)
    [ -n "$n" ] && [ "$n" -ge 1 ] && break
    sleep 0.01
done
n=$(done_runs)
if [ "$n" -lt 16 ]; then
    kill -9 "$(cut -d' ' -f1 "/proc/$pid/task/$pid/children")"
fi
wait "$pid"
rc=$?
echo "killed before the 16th run: $([ "$n" -lt 16 ] && echo yes || echo no)"
python3 - "$rc" <<'PY'
import json, sys
d = json.load(open("out.json"))
failed = [r for r in d["runs"] if r["status"] == "failed"]
print("runs stored:", len(d["runs"]), "; at most one failed:", len(failed) <= 1,
      "; exit status follows:", int(sys.argv[1]) == (1 if failed else 0))
print("failures are the signal:",
      all(r["error"] == "the worker running it ended by signal 9 (Killed)" for r in failed))
PY
