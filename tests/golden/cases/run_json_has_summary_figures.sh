#!/usr/bin/env bash
# `run --json` carries every figure the terminal summary prints: the same run is rendered
# both ways and each money, capacity, demand, training and milestone figure of the JSON is
# formatted as the terminal prints it and looked up in the text.
set -euo pipefail
args=(run --set simulation.end=2026-07-01 --deterministic --progress never --no-report)
"$AIF_BIN" "${args[@]}" -o text-out > summary.txt
"$AIF_BIN" "${args[@]}" -o json-out --json > summary.json
python3 - <<'PY'
import json
j = json.load(open("summary.json"))
t = open("summary.txt").read()

def usd(v):
    a, s = abs(v), "-" if v < 0 else ""
    if a >= 1e12: return f"{s}${a / 1e12:.2f}T"
    if a >= 1e9: return f"{s}${a / 1e9:.1f}B"
    if a >= 1e6: return f"{s}${a / 1e6:.0f}M"
    return f"{s}${a:.0f}"

checks = []
m = j["money"]
for k in ("capex_usd", "power_usd", "cloud_payments_usd", "depreciation_usd",
          "vendor_investment_usd", "equity_usd", "revenue_usd", "cash_usd"):
    checks.append((k, usd(m[k])))
checks.append(("energy_mwh", f"({m['energy_mwh'] / 1e6:.1f} TWh)"))
for p, v in m["by_provider"].items():
    if v["capex_usd"] > 0 or v["cloud_paid_usd"] > 0:
        checks.append((p, usd(v["capex_usd"])))
for y in j["online_at_year_end"]:
    if y["facility_gw"] > 0:
        checks.append((y["year"], f"{y['facility_gw']:5.2f}/{y['gpus'] / 1e6:5.2f}"))
d = j["demand"]
for year, f in d["served_fraction_by_year"].items():
    checks.append(("served " + year, f"{year} {100 * f:.0f}%"))
checks.append(("idle", f"idle {100 * d['gpu_hours_share']['idle']:.1f}%"))
checks.append(("research", f"research jobs done {d['research_jobs_done']}"))
for r in j["frontier_runs"]:
    checks.append((r["name"], r["name"]))
for tr in j["milestones"]["tranches"]:
    checks.append((tr["name"], f"{tr['paid']} x {usd(tr['amount_usd'])}"))
for c in j["milestones"]["commitments"]:
    checks.append((c["name"], f"{c['name']}: {usd(c['total_usd'])}"))
for y in j["by_year"]:
    checks.append((f"revenue {y['year']}", f"{y['year']:<5d} {usd(y['revenue_usd']):>9s} "
                   f"{usd(y['cost_of_revenue_usd']):>9s} {usd(y['gross_margin_usd']):>9s}"))
    checks.append((f"cash {y['year']}", usd(y["cash_position_usd"])))
checks.append(("npv", f"WACC: {usd(j['npv_usd'])}"))
checks.append(("per token", f"served: ${j['usd_per_million_tokens']:.2f}"))
for r in j["milestones"]["rofrs"]:
    checks.append((r["name"], f"{r['offers']} offers, {r['accepted']} accepted"))
missing = [(k, s) for k, s in checks if s not in t]
print(f"{len(checks)} figures checked, {len(missing)} missing")
for k, s in missing:
    print(f"  missing {k}: {s!r}")
PY
