#!/usr/bin/env bash
# A worker killed in the middle of its run (SIGKILL from outside) fails that run with the
# signal's name; a new worker takes its place and the other 23 runs finish; exit 1.
set -uo pipefail
mkdir tests && ln -s "$AIF_GOLDEN_DIR/../data" tests/data
"$AIF_BIN" sweep tests/data/sweeps/kill.yaml -o out -j 2 --json > out.json &
pid=$!
worker=
for _ in $(seq 1 600); do
    worker=$(cut -d' ' -f1 "/proc/$pid/task/$pid/children" 2> /dev/null)
    [ -n "$worker" ] && [ -e out/sweep.sqlite ] && break
    sleep 0.05
done
sleep 0.3 # inside a run
kill -9 "$worker"
wait "$pid"
echo "rc=$?"
python3 - <<'PY'
import json
d = json.load(open("out.json"))
print("failed:", d["failed"], "ok:", sum(r["status"] == "ok" for r in d["runs"]))
print("errors:", sorted({r["error"] for r in d["runs"] if r["status"] == "failed"}))
PY
