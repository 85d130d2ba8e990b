# The capacity search is seeded: the same seed gives the same JSON, probe for probe, byte
# for byte; another seed draws other requests and lands elsewhere.
args="serve --model llama3.1-8b --system h100 --gpus 4 --tp 2 --find-capacity --slo ttft_p99=1s,tpot_p99=40ms --requests 200 --input-len exp:800:4000 --output-len exp:200:1000 --json"
"$AIF_BIN" $args --seed 3 > a.json 2> /dev/null
"$AIF_BIN" $args --seed 3 > b.json 2> /dev/null
"$AIF_BIN" $args --seed 4 > c.json 2> /dev/null
cmp -s a.json b.json && echo "seed 3 twice: identical"
cmp -s a.json c.json || echo "seed 3 and 4: different"
