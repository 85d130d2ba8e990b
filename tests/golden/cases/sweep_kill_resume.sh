#!/usr/bin/env bash
# SIGKILL in the middle of a sweep, serial then with -j 2, loses at most the runs in flight:
# the store holds whole runs only, and `--resume` runs exactly the missing ones (the runs
# stored before the kill keep their rows) and ends with the same results as a sweep never
# interrupted.
set -uo pipefail
mkdir tests && ln -s "$AIF_GOLDEN_DIR/../data" tests/data
sweep=tests/data/sweeps/kill.yaml
"$AIF_BIN" sweep "$sweep" -o clean -j 2 --json > clean.json || exit 1
for jobs in 1 2; do
    dir=killed-$jobs
    "$AIF_BIN" sweep "$sweep" -o "$dir" -j "$jobs" --progress always 2> progress.txt > /dev/null &
    pid=$!
    # The progress count is printed after each run's commit: kill once 3 are stored.
    for _ in $(seq 1 3000); do
        n=$(tr '\r' '\n' < progress.txt | sed -n 's|^aifactory sweep: \([0-9]*\)/.*|\1|p' | tail -1)
        [ -n "$n" ] && [ "$n" -ge 3 ] && break
        sleep 0.01
    done
    kill -9 "$pid"
    wait "$pid" 2> /dev/null
    sleep 0.5 # the workers end at their next read or write
    python3 - "$dir" > before.txt <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1] + "/sweep.sqlite")
rows = db.execute("select idx, rowid from runs order by idx").fetchall()
ok = all(db.execute("select count(*) from metrics where run = ?", (i,)).fetchone()[0] == 30 for i, _ in rows)
print(len(rows), ok, rows)
PY
    read -r before whole _ < before.txt
    echo "-j $jobs: killed with $([ "$before" -ge 3 ] && [ "$before" -lt 24 ] && echo "some but not all") runs stored, each whole: $whole"
    "$AIF_BIN" sweep "$sweep" -o "$dir" -j "$jobs" --resume --json > resumed.json
    echo "resume rc=$?"
    python3 - "$dir" <<'PY'
import ast, json, sqlite3, sys
dir = sys.argv[1]
count, ok, rows = open("before.txt").read().split(" ", 2)
rows = ast.literal_eval(rows)
db = sqlite3.connect(dir + "/sweep.sqlite")
after = dict(db.execute("select idx, rowid from runs").fetchall())
print("  runs stored:", len(after), "; earlier runs kept (not run again):",
      all(after[i] == r for i, r in rows),
      "; runs added by the resume:", len(after) - len(rows) == 24 - int(count))
a, b = json.load(open("clean.json")), json.load(open("resumed.json"))
print("  same runs and analysis as the clean sweep:",
      a["runs"] == b["runs"] and a["outputs"] == b["outputs"])
PY
done
echo "hidden files left beside the folders: $(ls -A | grep -c "^\.killed")"
