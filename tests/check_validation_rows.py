#!/usr/bin/env python3
"""The rows `aifactory validate serve` compiles in are the rows of their record under
data/validation/ (ctest docs.validation_rows): every level of the NIM latency-versus-load
CSV appears with its published TTFT, ITL and throughput, and no other NIM level does; every
MLPerf row's published tokens/s is a Server result of its round's CSV.

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
    failed |= check_mlperf(root, json.loads(out.stdout)["rows"])
    if not failed:
        print(f"{len(expected)} NIM rows match {path}")
    return failed


def check_mlperf(root, rows):
    """Every MLPerf row's published tokens/s is a Server result of its round's record."""
    records = {"v4.1": "mlperf_inference_v4.1_llama2-70b.csv",
               "v5.0": "mlperf_inference_v5.0_llama2-70b_server.csv"}
    published = {}
    for rnd, name in records.items():
        with open(f"{root}/data/validation/{name}", newline="") as f:
            published[rnd] = {float(r["tokens_per_s"]) for r in csv.DictReader(f)
                              if r["scenario"] == "Server"}
    failed = 0
    count = 0
    for row in rows:
        rnd = row["name"].split(" ")[0]
        if rnd not in published:
            continue
        count += 1
        if not any(abs(row["reference"] - v) <= 1e-9 * v for v in published[rnd]):
            print(f"'{row['name']}': {row['reference']} tokens/s is no Server result of "
                  f"data/validation/{records[rnd]}", file=sys.stderr)
            failed = 1
    if count == 0:
        print("validate serve printed no MLPerf rows", file=sys.stderr)
        failed = 1
    elif not failed:
        print(f"{count} MLPerf rows are Server results of their round's record")
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv))
