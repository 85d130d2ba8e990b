#!/usr/bin/env bash
# A scenario named "../../../escaped" (tests/data/repro): the default output folder is
# ./aifactory-out/escaped-<UTC time>/, nothing is written outside it.
set -u
mkdir inner && cd inner || exit 1
"$AIF_BIN" run "$AIF_GOLDEN_DIR/../data/repro/name-traversal.yaml" --quiet 2>&1
echo "exit $?"
cd .. && find . -type d | sort | sed -E 's/-[0-9]{8}T[0-9]{6}Z$/-STAMP/'
