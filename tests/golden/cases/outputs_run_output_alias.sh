#!/usr/bin/env bash
# As outputs_run, with the output folder given as --output DIR (the spelling replay had): the
# same files.
AIF_OUT_FLAG=--output exec "$AIF_GOLDEN_DIR/outputs_golden.sh" "$AIF_BIN" "$AIF_GOLDEN_DIR" run --set simulation.end=2026-03-01
