#!/usr/bin/env python3
"""Derive fixed-duration generic traces from the Pollux (OSDI'21) artifact's workloads.

Each Pollux workload job has an application, a submission time and a fixed "TunedJobs"
configuration (num_replicas GPUs, total batch_size). Its duration here is

    iterations(app, batch_size) * step_time(app, placement, batch_size / num_replicas)

where iterations is the last `iteration` of traces/<app>/validation-<batch_size>.csv (the
run to the target metric; nearest recorded batch size when that one is missing), and
step_time is linearly interpolated over local batch size in traces/<app>/placements.csv
for the consolidated placement on 4-GPU nodes (e.g. 6 replicas -> "24"), or in
scalability.csv (rows with that many replicas, node count nearest to ceil(R / 4)) for jobs
above 16 GPUs. sync_time is not added: with it the first, unqueued jobs come out longer
than their published Tiresias JCTs. An optional second argument adds a constant start
delay in seconds to every job.

Usage: make_traces.py POLLUX_DATA_DIR OUT_DIR [START_DELAY_S]
(POLLUX_DATA_DIR is the adaptdl osdi21-artifact `simulator/` data: workloads/, traces/.)
"""
import bisect
import csv
import os
import sys


def step_rows(data, app, replicas):
    full, rem = divmod(replicas, 4)
    key = "".join(str(d) for d in sorted([4] * full + ([rem] if rem else [])))
    rows = {}
    with open(os.path.join(data, "traces", app, "placements.csv")) as f:
        for r in csv.DictReader(f):
            rows.setdefault(r["placement"], []).append(
                (float(r["local_bsz"]), float(r["step_time"])))
    if key in rows:
        return sorted(rows[key])
    by_nodes = {}
    with open(os.path.join(data, "traces", app, "scalability.csv")) as f:
        for r in csv.DictReader(f):
            if int(r["num_replicas"]) == replicas:
                by_nodes.setdefault(int(r["num_nodes"]), []).append(
                    (float(r["local_bsz"]), float(r["step_time"])))
    want = -(-replicas // 4)
    nodes = min(by_nodes, key=lambda n: (abs(n - want), n))
    return sorted(by_nodes[nodes])


def interpolate(rows, x):
    xs = [r[0] for r in rows]
    i = bisect.bisect_left(xs, x)
    if i == 0:
        return rows[0][1] * (x / rows[0][0]) if x < rows[0][0] else rows[0][1]
    if i >= len(rows):
        return rows[-1][1] * (x / rows[-1][0])
    (x0, y0), (x1, y1) = rows[i - 1], rows[i]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def iterations(data, app, bsz):
    folder = os.path.join(data, "traces", app)
    sizes = sorted(int(n[len("validation-"):-len(".csv")])
                   for n in os.listdir(folder) if n.startswith("validation-"))
    bsz = min(sizes, key=lambda s: abs(s - bsz))
    with open(os.path.join(folder, f"validation-{bsz}.csv")) as f:
        return float(list(csv.DictReader(f))[-1]["iteration"])


def main():
    data, out = sys.argv[1], sys.argv[2]
    delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    os.makedirs(out, exist_ok=True)
    for w in range(1, 9):
        with open(os.path.join(data, "workloads", f"workload-{w}.csv")) as f:
            jobs = list(csv.DictReader(f))
        with open(os.path.join(out, f"workload-{w}.csv"), "w") as f:
            f.write("job_id,submit_s,gpus,duration_s\n")
            for j in jobs:
                app, r, b = j["application"], int(j["num_replicas"]), int(j["batch_size"])
                d = iterations(data, app, b) * interpolate(step_rows(data, app, r), b / r)
                f.write(f"{j['name']},{int(j['time'])},{r},{d + delay:.3f}\n")


if __name__ == "__main__":
    main()
