# -o DIR: the files of one run, requests.csv with one row per request; a run that fails
# leaves the folder as it was, and --find-capacity takes no -o.
args="serve --model llama2-70b --system hgx-h100 --gpus 16 --tp 8 --rate 12 --requests 40 --seed 2 --quiet"
"$AIF_BIN" $args -o out
echo "rc=$?"
ls out
head -3 out/requests.csv
echo "rows: $(($(wc -l < out/requests.csv) - 1))"
grep -c '"id":"ttft-cdf"' out/report.html
"$AIF_BIN" $args --input-len 5000 -o out
echo "rc=$?"
ls -a out
echo "rows: $(($(wc -l < out/requests.csv) - 1))"
"$AIF_BIN" serve --model llama2-70b --system hgx-h100 --gpus 8 --find-capacity --slo ttft_p99=1s -o out
echo "rc=$?"
