#!/usr/bin/env bash
# A second writer into a folder that another aifactory process is writing is refused at
# once (exit 1, the holder's pid named), and the first writer's folder is untouched by it.
# The first writer here is a long run (the default scenario), stopped by SIGTERM once the
# second has been refused: its private folder and lock file go with it, and C still holds
# the replay written before. (Two `replay -o C` at once used to both succeed, C mixing the
# parameters of one with the time series of the other.)
set -u
trace=$AIF_GOLDEN_DIR/../data/tiresias_60_job.csv
"$AIF_BIN" replay "$trace" --gpus 64 --quiet -o C || exit 1
before=$(cat C/jobs.csv C/timeseries.csv | sha256sum)
"$AIF_BIN" run --quiet -o C >/dev/null 2>&1 &
first=$!
for _ in $(seq 1 600); do
    [ -e .C.lock ] && break
    sleep 0.1
done
"$AIF_BIN" replay "$trace" --gpus 32 --quiet -o C 2>err
echo "second writer: exit $?"
sed -E 's/\(pid [0-9]+\)/(pid N)/' err
kill -TERM "$first"
wait "$first"
echo "first writer: exit $? (143: ended by SIGTERM)"
[ "$(cat C/jobs.csv C/timeseries.csv | sha256sum)" = "$before" ] && echo "C: unchanged"
ls -A
