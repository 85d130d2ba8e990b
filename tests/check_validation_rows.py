#!/usr/bin/env python3
"""The rows `aifactory validate serve` compiles in are the rows of their record under
data/validation/ (ctest docs.validation_rows): every level of the NIM latency-versus-load
CSV appears with its published TTFT, ITL and throughput, and no other NIM level does.

Usage: check_validation_rows.py AIFACTORY ROOT
"""
import csv
import json
import subprocess
import sys


def main(argv):
    if len(argv) != 3:
        print("usage: check_validation_rows.py AIFACTORY ROOT", file=sys.stderr)
        return 2
    binary, root = argv[1], argv[2]
    path = root + "/data/validation/nim_llama3.3-70b_h100x2_fp8.csv"
    with open(path, newline="") as f:
        record = list(csv.DictReader(f))
    out = subprocess.run([binary, "validate", "serve", "--json"], capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        print(f"validate serve --json exited {out.returncode}: {out.stderr}", file=sys.stderr)
        return 1
    rows = {r["name"]: r for r in json.loads(out.stdout)["rows"] if r["name"].startswith("NIM")}
    metrics = {"mean TTFT": "ttft_ms", "mean ITL": "itl_ms",
               "output throughput": "output_tokens_per_s"}
    failed = 0
    expected = set()
    for line in record:
        for metric, column in metrics.items():
            name = f"NIM {line['version']} 2xH100 llama3.3-70b " \
                   f"{line['input_tokens']}/{line['output_tokens']} " \
                   f"c={line['concurrency']} {metric}"
            expected.add(name)
            row = rows.get(name)
            if row is None:
                print(f"{path}: no row '{name}' in validate serve", file=sys.stderr)
                failed = 1
            elif abs(row["reference"] - float(line[column])) > 1e-9 * float(line[column]):
                print(f"{path}: '{name}' is {row['reference']} in validate serve, "
                      f"{line[column]} in the record", file=sys.stderr)
                failed = 1
    for name in sorted(set(rows) - expected):
        print(f"validate serve has '{name}', which {path} does not hold", file=sys.stderr)
        failed = 1
    if not failed:
        print(f"{len(expected)} NIM rows match {path}")
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv))
