#!/usr/bin/env bash
# A write that fails names the path and the system's reason with its errno name (exit 1):
# here the output folder's parent is a file (ENOTDIR), which holds for every user, root
# included. Nothing is created. (tests/outdir/readonly_outputs.sh checks a read-only
# folder, EACCES, where the user is not root.)
set -u
trace=$AIF_GOLDEN_DIR/../data/tiresias_60_job.csv
echo text >afile
"$AIF_BIN" replay "$trace" --gpus 64 --quiet -o afile/out
echo "replay: exit $?"
"$AIF_BIN" run "$AIF_GOLDEN_DIR/../data/repro/doc-min.yaml" --quiet -o afile/sub/out
echo "run: exit $?"
ls -A
