# The same seed gives the same JSON, byte for byte; another seed does not.
args="serve --model llama2-70b --system hgx-h100 --gpus 16 --tp 4 --rate 40 --requests 2000 --input-len exp:1000:3000 --output-len exp:250:1000 --json"
"$AIF_BIN" $args --seed 3 > a.json
"$AIF_BIN" $args --seed 3 > b.json
"$AIF_BIN" $args --seed 4 > c.json
cmp -s a.json b.json && echo "seed 3 twice: identical"
cmp -s a.json c.json || echo "seed 3 and 4: different"
