#!/usr/bin/env bash
# The default scenario over its first six months (seed 1): every CSV and summary.json.
exec "$AIF_GOLDEN_DIR/outputs_golden.sh" "$AIF_BIN" "$AIF_GOLDEN_DIR" run --set simulation.end=2026-03-01
