#!/usr/bin/env bash
# The per-month cash flows put each bill in the month it is for: the engine posts a month's
# power, cloud and revenue at the month's end, and the chart's last month held both the
# last and the one before (revenue about twice the month before). Checked here against the
# ledger: each month's revenue point equals the revenue posted at that month's end, and
# the points add up to the whole revenue.
set -euo pipefail
"$AIF_BIN" run "$AIF_GOLDEN_DIR/../../data/templates/single-site.yaml" \
    --set simulation.end=2026-07-01 --quiet --no-report -o out
python3 - <<'PY'
import sqlite3
db = sqlite3.connect("out/results.sqlite")
sid = db.execute("SELECT s.series_id FROM series s WHERE s.chart = 'Cash flows (per month)' "
                 "AND s.name = 'revenue'").fetchone()[0]
points = db.execute("SELECT time_s, value FROM timeseries WHERE series_id = ? ORDER BY time_s",
                    (sid,)).fetchall()
posted = db.execute("SELECT time_s, total(amount_usd) FROM ledger WHERE category = 'revenue' "
                    "GROUP BY time_s ORDER BY time_s").fetchall()
print("months", len(points), "month-end revenue posts", len(posted))
ok = all(abs(p[1] - q[1]) <= 0.01 for p, q in zip(points, posted))
print("each month's point is its own month-end post:", ok)
print("points add up to the ledger:", abs(sum(v for _, v in points) - sum(v for _, v in posted)) <= 0.01)
print("last month vs the one before: %.2f" % (points[-1][1] / points[-2][1]))
PY
