#!/usr/bin/env bash
# A read-only output folder: the command fails with exit 1 and one line naming the path and
# "Permission denied (EACCES)" (it used to say "No such file or directory"), and the
# previous result in the folder stays whole. File permissions do not stop root, so as root
# the check cannot be made: the script says so and exits 77 (CTest: skipped).
# Usage: readonly_outputs.sh AIFACTORY_BINARY DATA_DIR
set -uo pipefail
if [ "$(id -u)" = 0 ]; then
    echo "skipped: running as root, whom chmod 555 does not stop from writing"
    exit 77
fi
bin=$(realpath "$1")
data=$(realpath "$2")
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cd "$work"
fail=0
mkdir ro
chmod 555 ro
"$bin" replay "$data/tiresias_60_job.csv" --gpus 64 --quiet -o ro/out 2>err
rc=$?
if [ "$rc" != 1 ] || ! grep -q '^aifactory replay: cannot write ro/out (its lock file ro/.out.lock): Permission denied (EACCES)$' err; then
    echo "replay into a read-only folder: exit $rc, said:"; cat err; fail=1
fi
[ -z "$(ls -A ro)" ] || { echo "ro is not empty:"; ls -A ro; fail=1; }
chmod 755 ro
"$bin" run "$data/repro/doc-min.yaml" --quiet -o ro/out >/dev/null || fail=1
before=$(cat ro/out/*.csv | sha256sum)
chmod 555 ro
"$bin" run "$data/repro/doc-min.yaml" --seed 2 --quiet -o ro/out 2>err
rc=$?
if [ "$rc" != 1 ] || ! grep -q 'Permission denied (EACCES)$' err; then
    echo "run over a folder in a read-only folder: exit $rc, said:"; cat err; fail=1
fi
[ "$(cat ro/out/*.csv | sha256sum)" = "$before" ] || { echo "ro/out changed"; fail=1; }
[ "$fail" = 0 ] && echo "read-only folder: refused with EACCES named, exit 1, previous result whole"
exit "$fail"
