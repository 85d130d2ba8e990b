# -o DIR of a disaggregated run: the decode pool and the link among the parameters, the KV
# transfers and the pools among summary.json's metrics, one requests.csv row per request.
"$AIF_BIN" serve --model llama2-70b --system hgx-h100 --tp 8 --prefill-replicas 1 \
    --decode-replicas 2 --rate 12 --requests 40 --seed 2 --quiet -o out
echo "rc=$?"
ls out
echo "rows: $(($(wc -l < out/requests.csv) - 1))"
python3 - <<'PY'
import json
s = json.load(open("out/summary.json"))
run = s["runs"][0]
for k in ("GPUs", "replicas", "decode system", "decode replicas", "decode tensor parallel",
          "KV link"):
    print(k, run["params"][k]["value"], run["params"][k]["unit"])
for k in ("kv_transfer_p50_s", "kv_transfer_p99_s", "kv_transfer_bytes", "prefill_utilization",
          "decode_utilization", "decode_kv_preemptions"):
    print(k, "%.6g" % run["metrics"][k]["value"], run["metrics"][k]["unit"])
PY
