#!/usr/bin/env bash
# A trace record that is not UTF-8 is refused at its line and column (ids and names reach
# JSON and HTML outputs, which must stay UTF-8); a NUL keeps its own message.
set -u
run() {
    timeout 20 "$AIF_BIN" "$@" 2>&1
    echo "rc=$?"
}
printf 'job_id,submit_s,gpus,duration_s\nj1,0,1,60\nj\xff2,5,1,60\n' >latin1.csv
run replay latin1.csv --gpus 8 --quiet
printf 'job_id,submit_s,gpus,duration_s\nj1,0,1,60\nj\0002,5,1,60\n' >nul.csv
run replay nul.csv --gpus 8 --quiet
printf 'job_id,submit_\xe9s,gpus,duration_s\nj1,0,1,60\n' >header.csv
run replay header.csv --gpus 8 --quiet
