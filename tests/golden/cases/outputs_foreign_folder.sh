#!/usr/bin/env bash
# -o naming a folder that is not an aifactory output folder (it holds a file aifactory
# never writes) is refused before any work, exit 2, and the folder is left as it was; so is
# -o naming a file, or '.'.
set -u
trace=$AIF_GOLDEN_DIR/../data/tiresias_60_job.csv
mkdir mine && echo "my notes" >mine/notes.txt
"$AIF_BIN" replay "$trace" --gpus 64 --quiet -o mine
echo "replay into mine: exit $?"
"$AIF_BIN" run "$AIF_GOLDEN_DIR/../data/repro/doc-min.yaml" --quiet -o mine/notes.txt
echo "run into mine/notes.txt: exit $?"
(cd mine && "$AIF_BIN" replay "$trace" --gpus 64 --quiet -o .)
echo "replay into .: exit $?"
ls -A . mine
cat mine/notes.txt
