#!/usr/bin/env bash
# `sweep --db postgresql://...` against a real PostgreSQL server (label postgres): initdb into
# a temporary folder, the server listening on a Unix socket in that folder only, two sweeps
# into one database (one with -j 2 and failed runs), then checks with psql that every run
# and metric is there with the same figures as the SQLite store's, that --resume runs
# nothing when nothing is missing and exactly the missing runs otherwise, that a second
# process on the same sweep, a bad or unreachable URL and a database holding someone
# else's `sweeps` table are each refused with one line naming the URL without its password,
# and that a refusal writes nothing; then the store's unit test (test_sweep_store) against
# its own database. The server is stopped and the folder removed on exit.
#
# The server refuses to run as root: as root it runs as `nobody` (runuser). Without the
# server binaries (Debian: postgresql; scripts/deps installs them) or without PostgreSQL in
# this build, the script says why and exits 77 (CTest: skipped).
# Usage: sweep_pg.sh AIFACTORY_BINARY TESTS_DATA_DIR WITH_POSTGRESQL(ON|OFF) [TEST_SWEEP_STORE]
set -uo pipefail
bin=$(realpath "$1")
data=$(realpath "$2")
skip() {
    echo "skipped: $*"
    exit 77
}
[ "${3:-OFF}" = ON ] || skip "this build has no PostgreSQL support (AIF_WITH_POSTGRESQL is OFF)"
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] && [ -x "$pgbin/pg_ctl" ] ||
    skip "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (Debian package postgresql)"
psql=$pgbin/psql
[ -x "$psql" ] || psql=$(command -v psql) || skip "no psql"
as_server=()
if [ "$(id -u)" = 0 ]; then
    command -v runuser >/dev/null || skip "running as root, and no runuser to start the server as nobody"
    as_server=(runuser -u nobody --)
fi

tmp=$(mktemp -d /tmp/aifpg.XXXXXX) # short: a socket path has at most 107 bytes
holder=""
cleanup() {
    [ -n "$holder" ] && kill "$holder" 2>/dev/null
    if [ -f "$tmp/data/postmaster.pid" ]; then
        "${as_server[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
chmod 711 "$tmp"
mkdir "$tmp/data" "$tmp/sock" "$tmp/work"
[ ${#as_server[@]} -eq 0 ] || chown nobody "$tmp/data" "$tmp/sock"
if ! "${as_server[@]}" "$pgbin/initdb" -D "$tmp/data" -U aif --auth=trust -E UTF8 --locale=C \
    >"$tmp/initdb.log" 2>&1; then
    cat "$tmp/initdb.log"
    echo "FAIL: initdb"
    exit 1
fi
if ! "${as_server[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/sock/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $tmp/sock -p 5432" start >/dev/null; then
    cat "$tmp/sock/server.log"
    echo "FAIL: the server did not start"
    exit 1
fi
server="host=$tmp/sock&port=5432"
url="postgresql://aif@/sweeps?$server"
q() { "$psql" -X -q -A -t -v ON_ERROR_STOP=1 "$1" -c "$2"; }
q "postgresql://aif@/postgres?$server" "CREATE DATABASE sweeps" || exit 1

cd "$tmp/work"
fail=0
check() { # check WHAT EXPECTED ACTUAL
    if [ "$2" != "$3" ]; then
        echo "FAIL: $1: expected '$2', found '$3'"
        fail=1
    fi
}
cat >failing.yaml <<Y
aifactory: 1
sweep:
  scenario: $data/scenarios/sweep-small.yaml
  set: {simulation.end: 2026-05-01}
  parameters:
    sites.0.phases.0.system: {values: [gb200-nvl72, no-such-system, gb300-nvl72]}
Y
grid=$data/sweeps/grid.yaml

# Two sweeps into one database; the grid's figures are the SQLite store's, exactly.
"$bin" sweep "$grid" --db "$url" --json >grid.json 2>grid.err
check "grid sweep exit" 0 $?
"$bin" sweep "$grid" -o grid-sqlite --json >grid-sqlite.json
"$bin" sweep failing.yaml --db "$url" -j 2 --json >failing.json 2>failing.err
check "failing sweep exit (a run failed)" 1 $?
python3 - "$url" <<'PY' || fail=1
import json, sys
pg, lite = json.load(open("grid.json")), json.load(open("grid-sqlite.json"))
for k in ("sweep", "runs", "failed", "outputs"):
    if pg[k] != lite[k]:
        sys.exit("FAIL: the PostgreSQL sweep's %r differs from the SQLite one's" % k)
if pg.get("db") != sys.argv[1] or "out_dir" in pg:
    sys.exit("FAIL: --json names %r, expected db %r" % (pg.get("db"), sys.argv[1]))
f = json.load(open("failing.json"))
if [r["status"] for r in f["runs"]] != ["ok", "failed", "ok"]:
    sys.exit("FAIL: failing.yaml's runs: %r" % [r["status"] for r in f["runs"]])
PY
grid_id=$(q "$url" "SELECT id FROM sweeps WHERE file = '$grid'")
fail_id=$(q "$url" "SELECT id FROM sweeps WHERE file = 'failing.yaml'")
check "sweeps stored" 2 "$(q "$url" "SELECT count(*) FROM sweeps")"
check "grid runs, ok, metrics" "8|8|240" \
    "$(q "$url" "SELECT count(*), count(*) FILTER (WHERE status = 'ok'),
                        (SELECT count(*) FROM metrics WHERE sweep = $grid_id)
                 FROM runs WHERE sweep = $grid_id")"
check "the failed run and its error" \
    "1|failed|--set:2:25: error: sites.0.phases.0.system: unknown system 'no-such-system'" \
    "$(q "$url" "SELECT idx, status, error FROM runs WHERE sweep = $fail_id AND status <> 'ok'")"
check "a failed run has no metrics" 0 \
    "$(q "$url" "SELECT count(*) FROM metrics WHERE sweep = $fail_id AND run = 1")"
# The query of docs/sweep.md: the power bill next to the power price each run drew.
check "power bill by power price" "8" \
    "$(q "$url" "SELECT count(*) FROM runs r JOIN metrics m ON m.sweep = r.sweep AND m.run = r.idx
                 WHERE m.name = 'power_usd' AND r.params->>'economics.power_price' LIKE '% USD/MWh'")"

# --resume with every run stored runs none: every row keeps its version (xmin).
rows() { q "$url" "SELECT string_agg(idx || ':' || xmin, ' ' ORDER BY idx) FROM runs WHERE sweep = $grid_id"; }
before=$(rows)
"$bin" sweep "$grid" --db "$url" --resume --json >resume.json
check "resume exit" 0 $?
check "rows after a resume with nothing missing" "$before" "$(rows)"
cmp -s grid.json resume.json || { echo "FAIL: the resumed report differs"; fail=1; }
# Three runs deleted (their metrics go with them): --resume runs exactly those three.
q "$url" "DELETE FROM runs WHERE sweep = $grid_id AND idx IN (1, 4, 6)"
"$bin" sweep "$grid" --db "$url" --resume --json >resume2.json
check "second resume exit" 0 $?
after=$(rows)
changed=$(join <(tr ' ' '\n' <<<"$before" | sed 's/:/ /') <(tr ' ' '\n' <<<"$after" | sed 's/:/ /') |
    awk '$2 != $3 { printf "%s ", $1 }')
check "runs rerun by the resume" "1 4 6 " "$changed"
check "runs after the resume" 8 "$(q "$url" "SELECT count(*) FROM runs WHERE sweep = $grid_id")"
cmp -s grid.json resume2.json || { echo "FAIL: the report after rerunning 3 runs differs"; fail=1; }

# One line naming the URL without its password, and the exit status; nothing on stdout.
refused() { # refused WHAT RC PATTERN ARGS...
    local what=$1 want=$2 pattern=$3
    shift 3
    "$bin" sweep "$grid" "$@" >out.txt 2>err.txt
    local rc=$?
    check "$what: exit" "$want" "$rc"
    check "$what: lines on stderr" 1 "$(wc -l <err.txt)"
    check "$what: stdout" "" "$(cat out.txt)"
    grep -q -- "$pattern" err.txt || { echo "FAIL: $what: expected '$pattern' in: $(cat err.txt)"; fail=1; }
    ! grep -q s3cret err.txt || { echo "FAIL: $what: the password is shown: $(cat err.txt)"; fail=1; }
}
refused "no server on the port" 1 \
    "^aifactory sweep: postgresql://aif@/sweeps?host=$tmp/sock&port=5433: cannot connect: .*$tmp/sock/.s.PGSQL.5433.* failed: No such file or directory" \
    --db "postgresql://aif:s3cret@/sweeps?host=$tmp/sock&port=5433&password=s3cret"
refused "no such database" 1 'postgresql://aif@/nosuchdb?.*: cannot connect: .*database "nosuchdb" does not exist' \
    --db "postgresql://aif:s3cret@/nosuchdb?$server"
refused "a URL libpq cannot read" 2 "^aifactory sweep: postgresql://aif@/sweeps?nosuch=1: not a PostgreSQL URL: invalid URI query parameter: \"nosuch\"$" \
    --db "postgresql://aif:s3cret@/sweeps?nosuch=1"
refused "another scheme" 2 "^aifactory sweep: --db: expected a postgresql:// URL, found scheme 'mysql'$" \
    --db "mysql://aif:s3cret@localhost/sweeps"
refused "key=value form" 2 "^aifactory sweep: --db: expected a postgresql:// URL" \
    --db "host=$tmp/sock password=s3cret"
mkdir notours && touch notours/keep
refused "-o a folder that is not aifactory's, with --db" 2 "^aifactory sweep: notours" \
    --db "$url" -o notours
check "a refused -o leaves its folder" "keep" "$(ls notours)"
q "postgresql://aif@/postgres?$server" "CREATE DATABASE other" || exit 1
q "postgresql://aif@/other?$server" "CREATE TABLE sweeps (x integer)" || exit 1
refused "someone else's sweeps table" 2 \
    "^aifactory sweep: postgresql://aif@/other?$server: expected a sweep store (schema version 1), found a table 'sweeps' that is not one" \
    --db "postgresql://aif@/other?$server"
check "nothing written beside someone else's table" "||" \
    "$(q "postgresql://aif@/other?$server" "SELECT to_regclass('runs'), to_regclass('metrics'), to_regclass('runs_key')")"

# A second process on a sweep that a connection holds is refused at once, naming it.
"$psql" -X -q "$url" -c "SELECT pg_advisory_lock(1095321171, $grid_id)" -c "SELECT pg_sleep(60)" \
    >/dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do
    [ "$(q "$url" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $grid_id AND granted")" = 1 ] && break
    sleep 0.1
done
refused "a sweep another connection runs" 1 "^aifactory sweep: postgresql://aif@/sweeps?$server: sweep [0-9a-f]\{16\} is being run by server process [0-9]* ('psql')" \
    --db "$url" --resume
# (A backend inside pg_sleep does not notice its client go: end the backend itself.)
q "$url" "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $grid_id" >/dev/null
wait "$holder" 2>/dev/null
holder=""
check "sweeps after the refusals" 2 "$(q "$url" "SELECT count(*) FROM sweeps")"
check "runs after the refusals" 11 "$(q "$url" "SELECT count(*) FROM runs")"

# Without --resume every run runs again and replaces its row (same figures).
"$bin" sweep "$grid" --db "$url" --json >again.json
check "rerun exit" 0 $?
cmp -s grid.json again.json || { echo "FAIL: the rerun's report differs"; fail=1; }
check "runs after the rerun" 8 "$(q "$url" "SELECT count(*) FROM runs WHERE sweep = $grid_id")"
[ "$(rows)" != "$after" ] || { echo "FAIL: a sweep without --resume ran nothing"; fail=1; }

# --db with -o: the runs stay in the database, the folder gets report.html alone, the same
# page as the SQLite sweep's of the same runs.
"$bin" sweep "$grid" --db "$url" --resume -o pg-report --json >pg-report.json
check "a report from the database: exit" 0 $?
check "the report folder holds the page alone" "report.html" "$(ls pg-report)"
cmp -s pg-report/report.html grid-sqlite/report.html ||
    { echo "FAIL: the page from PostgreSQL differs from the SQLite sweep's"; fail=1; }
python3 - "$url" <<'PY' || fail=1
import json, sys
r, pg = json.load(open("pg-report.json")), json.load(open("grid.json"))
if r["runs"] != pg["runs"] or r.get("db") != sys.argv[1] or r.get("out_dir") != "pg-report":
    sys.exit("FAIL: --db with -o printed db %r, out_dir %r" % (r.get("db"), r.get("out_dir")))
PY
"$bin" sweep "$grid" --db "$url" --resume -o pg-report >pg-report.txt
check "the report, again, in the table: exit" 0 $?
check "the table's last line" "report: pg-report/report.html" "$(tail -n 1 pg-report.txt)"

# Two sweeps from two processes at the same instant into a database with no tables yet:
# the schema is created once, and both sweeps' runs land.
q "postgresql://aif@/postgres?$server" "CREATE DATABASE team" || exit 1
team="postgresql://aif@/team?$server"
"$bin" sweep "$grid" --db "$team" -j 2 --quiet 2>team1.err &
one=$!
"$bin" sweep failing.yaml --db "$team" --quiet 2>team2.err &
two=$!
wait "$one"
check "concurrent grid sweep exit" 0 $?
wait "$two"
check "concurrent failing sweep exit" 1 $?
check "concurrent grid sweep stderr" "" "$(cat team1.err)"
check "concurrent failing sweep stderr" "aifactory sweep: 1 of 3 runs failed (their errors are in $team)" "$(cat team2.err)"
check "concurrent sweeps: sweeps, runs, metrics" "2|11|300" \
    "$(q "$team" "SELECT (SELECT count(*) FROM sweeps), (SELECT count(*) FROM runs), (SELECT count(*) FROM metrics)")"

# The store's calls one by one (tests/unit/test_sweep_store.c), in a database of their own.
if [ -n "${4:-}" ]; then
    q "postgresql://aif@/postgres?$server" "CREATE DATABASE unit" || exit 1
    AIF_TEST_PG_URL="postgresql://aif@/unit?$server" "$4" >unit.txt 2>&1 || fail=1
    grep -q '^\[  PASSED  \] 4 test(s)' unit.txt || { cat unit.txt; echo "FAIL: test_sweep_store"; fail=1; }
fi

[ "$fail" = 0 ] && echo "ok: two sweeps, resume, refusals against PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}')"
exit "$fail"
