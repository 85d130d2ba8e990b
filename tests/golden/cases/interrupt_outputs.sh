#!/usr/bin/env bash
# Ctrl-C or a kill at any moment of a replay or a run that writes results (SIGTERM here:
# a script's background job ignores SIGINT, and the three signals are handled alike): the
# process dies of the signal, no temporary file is left in the output folder or beside it,
# and every published file is whole - the previous run's, or the new one's. The moment the
# signal lands varies from machine to machine; the property checked holds at every moment,
# so the output does not.
set -u
awk 'BEGIN { print "job_id,submit_s,gpus,duration_s";
             s = 1; for (i = 1; i <= 60000; i++) { s = (s * 1103515245 + 12345) % 2147483648;
             print i "," int(i / 3) "," 1 + s % 16 "," 60 + s % 7200 } }' >trace.csv
whole() { # the folder holds no temporary file and its CSVs end with a full line; beside it
    # no private folder or lock file is left (the signal handler removes them)
    local dir=$1
    if ls "$dir" | grep -q '\.tmp-'; then echo "temporary file left in $dir"; return 1; fi
    if ls -A | grep -q "^\.$dir\."; then echo "left beside $dir: $(ls -A | grep "^\.$dir\.")"; return 1; fi
    for f in "$dir"/*.csv; do
        [ -e "$f" ] || continue
        if [ -s "$f" ] && [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then
            echo "$f ends mid-line"; return 1
        fi
    done
    return 0
}
for verb in replay run; do
    if [ "$verb" = replay ]; then
        cmd=("$AIF_BIN" replay trace.csv --gpus 256 --policy fifo --quiet -o out-$verb)
    else
        cmd=("$AIF_BIN" run --set simulation.end=2026-06-01 --quiet -o out-$verb)
    fi
    "${cmd[@]}" >/dev/null || { echo "$verb: first run failed"; exit 1; }
    bad=0
    for delay in 0.05 0.2 0.5 1 2; do
        "${cmd[@]}" >/dev/null 2>&1 &
        pid=$!
        sleep "$delay"
        kill -TERM "$pid" 2>/dev/null
        wait "$pid"
        rc=$?
        # 0: finished before the signal; 143: died of SIGTERM.
        if [ "$rc" != 0 ] && [ "$rc" != 143 ]; then echo "$verb: exit $rc after $delay s"; bad=1; fi
        whole out-$verb || bad=1
    done
    [ "$bad" = 0 ] && echo "$verb: interrupted 5 times, no temporary file, every file whole"
done
