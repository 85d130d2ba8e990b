#!/usr/bin/env bash
# `aifactory sweep` under mpirun (docs/sweep.md, "Open MPI"), label mpi:
#   1. mpirun -np 3 (one manager, two workers) stores the same runs, metric for metric,
#      and prints the same analysis as a serial sweep;
#   2. mpirun -np 1 exits 2 with one line (there is no worker), and -j N under mpirun too;
#   3. --resume under mpirun hands out only the runs missing from the store and keeps the
#      stored rows as they were;
#   4. a worker that cannot load the sweep, or reads another one, fails the sweep (exit 1)
#      with one line naming its rank (the workers load the file themselves);
#   5. a binary built without MPI refuses mpirun with exit 2.
# Usage: sweep_mpi.sh AIFACTORY DATA_DIR WITH_MPI(ON/OFF) LSAN_SUPPRESSIONS
# Exits 77 (skipped) when mpirun is absent: scripts/deps installs it, so CI runs this.
set -euo pipefail
bin=$(realpath "$1")
data=$(realpath "$2")
with_mpi=$3
supp=$(realpath "$4")

if ! command -v mpirun >/dev/null 2>&1; then
    echo "SKIP: mpirun not found (Debian: apt-get install openmpi-bin libopenmpi-dev, as scripts/deps does)"
    exit 77
fi
# Tests and CI run as root, which Open MPI refuses unless told; more ranks than cores is
# what a 2-core CI machine runs. Open MPI's own allocations still live at exit are not
# ours to fix: the suppressions name its libraries only (lsan_mpi.supp).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export LSAN_OPTIONS="suppressions=$supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
mpi() { mpirun --oversubscribe -np "$@"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir -p tests && ln -s "$data" tests/data
sweep=tests/data/sweeps/mpi.yaml
fail() {
    echo "FAIL: $*"
    exit 1
}

if [ "$with_mpi" != "ON" ]; then
    rc=0
    mpi 2 "$bin" sweep "$sweep" -o off >out 2>err || rc=$?
    [ "$rc" = 2 ] || fail "a build without MPI under mpirun: exit $rc, not 2"
    grep -q "built without MPI" err || fail "no 'built without MPI' line: $(cat err)"
    echo "SKIP: built with AIF_WITH_MPI=OFF (its refusal under mpirun checked)"
    exit 77
fi

# 1. The same runs as serially.
"$bin" sweep "$sweep" -o serial --json >serial.json
mpi 3 "$bin" sweep "$sweep" -o mpi --json >mpi.json
python3 - <<'PY'
import json, sqlite3
a, b = json.load(open("serial.json")), json.load(open("mpi.json"))
assert len(a["runs"]) == 6 and a["failed"] == 0, a["runs"]
assert a["runs"] == b["runs"], "per-run metrics differ under mpirun"
assert a["outputs"] == b["outputs"], "analysis differs under mpirun"
assert a["sweep"] == b["sweep"]
n = sqlite3.connect("mpi/sweep.sqlite").execute("select count(*) from runs").fetchone()[0]
assert n == 6, n
print("mpirun -np 3: %d runs identical to the serial sweep" % len(a["runs"]))
PY

# 2. One rank has no worker; -j is for a plain sweep.
rc=0
mpirun -q -np 1 "$bin" sweep "$sweep" -o one >out 2>err || rc=$? # -q: no notice of mpirun's
[ "$rc" = 2 ] || fail "mpirun -np 1: exit $rc, not 2"
[ "$(wc -l <err)" = 1 ] || fail "mpirun -np 1: not one line: $(cat err)"
grep -q "start 2 or more" err || fail "mpirun -np 1: $(cat err)"
[ ! -e one ] || fail "mpirun -np 1 wrote its folder"
rc=0
mpi 2 "$bin" sweep "$sweep" -o jobs -j 2 >out 2>err || rc=$?
[ "$rc" = 2 ] || fail "-j 2 under mpirun: exit $rc, not 2"
grep -q "under mpirun the workers are ranks" err || fail "-j 2 under mpirun: $(cat err)"
echo "mpirun -np 1 and -j 2 under mpirun: exit 2 with one line"

# 3. --resume: drop runs 1 and 4 from a finished store; only they are handed out again.
cp -r serial partial
python3 - <<'PY'
import sqlite3
db = sqlite3.connect("partial/sweep.sqlite")
db.execute("delete from metrics where run in (1, 4)")
db.execute("delete from runs where idx in (1, 4)")
db.commit()
PY
sqlite_rows() {
    python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(
        'select group_concat(idx || \":\" || wall_s) from runs where idx not in (1, 4)').fetchone()[0])" "$1"
}
before=$(sqlite_rows partial/sweep.sqlite)
mpi 3 "$bin" sweep "$sweep" -o partial --resume --json --progress always >resumed.json 2>err
grep -q "2/2 runs" err || fail "--resume under mpirun did not run exactly the 2 missing runs: $(cat err)"
[ "$(sqlite_rows partial/sweep.sqlite)" = "$before" ] || fail "--resume rewrote stored runs"
python3 - <<'PY'
import json
a, b = json.load(open("serial.json")), json.load(open("resumed.json"))
assert a["runs"] == b["runs"], "resumed runs differ from the serial sweep"
print("--resume under mpirun: the 2 missing runs run, the 4 stored kept")
PY
rc=0
mpi 3 "$bin" sweep "$sweep" -o partial --resume --progress always --quiet >out 2>err || rc=$?
[ "$rc" = 0 ] || fail "--resume of a finished sweep under mpirun: exit $rc: $(cat err)"
! grep -q "runs" err || fail "--resume of a finished sweep handed out runs: $(cat err)"

# 4. The workers load the file themselves: one that cannot, or that reads another sweep,
# fails the sweep with its rank named. Here the workers start in another folder.
mkdir -p elsewhere/tests/data/sweeps elsewhere/tests/data/scenarios
sed 's/75 USD/76 USD/' "$sweep" >elsewhere/$sweep
cp tests/data/scenarios/sweep-small.yaml elsewhere/tests/data/scenarios/
cat >split.sh <<EOF
#!/bin/sh
[ "\$OMPI_COMM_WORLD_RANK" = 0 ] || cd "\$WORKER_DIR"
exec "$bin" sweep "$sweep" -o "$work/\$OUT"
EOF
chmod +x split.sh
rc=0
WORKER_DIR=$work/elsewhere OUT=other mpi 2 ./split.sh >out 2>err || rc=$?
[ "$rc" = 1 ] || fail "a worker reading another sweep: exit $rc, not 1"
grep -q "^aifactory sweep: rank 1 (.*) read $sweep as another sweep" err || fail "$(cat err)"
rc=0
WORKER_DIR=/ OUT=missing mpi 2 ./split.sh >out 2>err || rc=$?
[ "$rc" = 1 ] || fail "a worker that cannot load the sweep: exit $rc, not 1"
grep -q "^aifactory sweep: rank 1 (.*) cannot load $sweep" err || fail "$(cat err)"
echo "a worker that cannot load the sweep, or reads another one: exit 1, its rank named"
