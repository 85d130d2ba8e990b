#!/usr/bin/env bash
# `--db` refusals that need no server (the same with or without PostgreSQL in the build):
# a URL of another scheme, libpq's key=value form. Each exits 2 with one line
# that never shows the password, and nothing is written. (A server's refusals are checked
# by postgres.sweep, tests/postgres/sweep_pg.sh.)
set -uo pipefail
mkdir tests && ln -s "$AIF_GOLDEN_DIR/../data" tests/data
"$AIF_BIN" sweep tests/data/sweeps/grid.yaml --db mysql://ann:s3cret@db/x
echo "rc=$?"
"$AIF_BIN" sweep tests/data/sweeps/grid.yaml --db "host=db password=s3cret"
echo "rc=$?"
ls
