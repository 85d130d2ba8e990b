#!/usr/bin/env bash
# SIGKILL at any instant of `run -o DIR` or `replay -o DIR` leaves DIR holding one complete
# result, the previous or the new one, never a mix and never a temporary file (outdir.h).
# Each verb writes two different complete results A and B into reference folders, then DIR
# gets A, and 20 times a run writing the other result into DIR is killed after a delay
# spread over a whole run's duration (seeded, so the same delays every time); when no kill
# came after a run's end (a loaded machine's runs outlast the timed one), up to 5 more at
# 2, 4, ... times the timed duration, until one does. After each
# kill, DIR must hold exactly A's or B's files with A's or B's contents. Leftover siblings
# (.DIR.tmp-*, .DIR.lock) are allowed after a kill; the last, complete run must remove them.
# Usage: kill_outputs.sh AIFACTORY_BINARY DATA_DIR
set -euo pipefail
bin=$(realpath "$1")
data=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
RANDOM=17

# One line per file: its name and a digest of what does not depend on the wall clock
# (runs.csv, results.sqlite and report.html hold the run's times; summary.json loses its
# time keys).
digest() { # few processes: forks are most of this script's time
    local dir=$1 f
    local -a names=() hashed=()
    for f in "$dir"/* "$dir"/.*; do
        f=${f##*/}
        case $f in . | .. | '*' | '.*') continue ;; esac
        names+=("$f")
        case $f in runs.csv | results.sqlite | report.html | summary.json) ;; *) hashed+=("$dir/$f") ;; esac
    done
    echo "${names[*]}"
    [ ${#hashed[@]} = 0 ] || sha256sum "${hashed[@]}" | sed "s|$dir/||"
    [ ! -e "$dir/summary.json" ] ||
        grep -v -E '^ *"(started_utc|finished_utc|wall_s)":' "$dir/summary.json" | sha256sum
}

# Microseconds since the epoch (bash 5's clock, no process).
now() { local t=${EPOCHREALTIME/[.,]/}; echo "${t}"; }

check_verb() {
    local verb=$1
    shift
    local -a a=("$@") b
    local i
    for ((i = 0; i < ${#a[@]}; i++)); do [ "${a[$i]}" = "--" ] && break; done
    b=("${a[@]:$((i + 1))}")
    a=("${a[@]:0:$i}")
    "$bin" "$verb" "${a[@]}" --quiet -o ref-a >/dev/null
    "$bin" "$verb" "${b[@]}" --quiet -o ref-b >/dev/null
    local sum_a sum_b sum
    sum_a=$(digest ref-a)
    sum_b=$(digest ref-b)
    sum_a=${sum_a//ref-a/out}
    sum_b=${sum_b//ref-b/out}
    if [ "$sum_a" = "$sum_b" ]; then echo "$verb: A and B do not differ"; exit 1; fi
    local t0 t1
    t0=$(now)
    "$bin" "$verb" "${a[@]}" --quiet -o out >/dev/null
    t1=$(now)
    local span_us=$((t1 - t0))
    local holds_a=0 holds_b=0 k rc delay pid
    # 20 kills, then (when none came after a run's end, as on a loaded machine whose runs
    # outlast the timed one) up to 5 more at 2, 4, ... times the timed span.
    for k in $(seq 1 25); do
        if [ "$k" -gt 20 ] && [ "$holds_b" -gt 0 ]; then break; fi
        local -a args
        if [ $((k % 2)) = 1 ] || [ "$k" -gt 20 ]; then args=("${b[@]}"); else args=("${a[@]}"); fi
        # Up to 1.25 runs' time, so that about one kill in five comes after the end.
        local us=$((span_us * (RANDOM % 1250) / 1000))
        if [ "$k" -gt 20 ]; then us=$((span_us << (k - 20))); fi
        delay=$(printf '%d.%06d' $((us / 1000000)) $((us % 1000000)))
        "$bin" "$verb" "${args[@]}" --quiet -o out >/dev/null 2>&1 &
        pid=$!
        sleep "$delay"
        kill -KILL "$pid" 2>/dev/null || true
        rc=0
        { wait "$pid"; } 2>/dev/null || rc=$?
        if [ "$rc" != 0 ] && [ "$rc" != 137 ]; then echo "$verb: exit $rc after $delay s"; exit 1; fi
        sum=$(digest out)
        if [ "$sum" = "$sum_a" ]; then
            holds_a=$((holds_a + 1))
        elif [ "$sum" = "$sum_b" ]; then
            holds_b=$((holds_b + 1))
        else
            echo "$verb: after a kill at $delay s, out is neither complete result:"
            diff <(echo "$sum_a") <(echo "$sum") || true
            exit 1
        fi
    done
    "$bin" "$verb" "${b[@]}" --quiet -o out >/dev/null
    [ "$(digest out)" = "$sum_b" ] || { echo "$verb: the last run did not publish B"; exit 1; }
    if ls -A | grep -q '^\.out\.'; then echo "$verb: the last run left $(ls -A | grep '^\.out\.')"; exit 1; fi
    [ "$holds_b" -gt 0 ] || { echo "$verb: no run was let finish"; exit 1; }
    echo "$verb: after each of $((holds_a + holds_b)) kills, out held one whole result, never a mix"
    rm -rf out ref-a ref-b
}

check_verb run "$data/repro/doc-min.yaml" --set simulation.end=2026-07-01 --seed 1 \
    -- "$data/repro/doc-min.yaml" --set simulation.end=2026-07-01 --seed 2
check_verb replay "$data/tiresias_60_job.csv" --gpus 64 -- "$data/tiresias_60_job.csv" --gpus 32
