# The first 1,000 rows of Mooncake's conversation trace (tests/data, JSON Lines with hash
# ids of 512-token blocks, zstd) on 8 replicas routed by prefix affinity, with the hit rate
# an infinite cache would give the same requests.
"$AIF_BIN" serve --model llama3.1-8b --system h100 --gpus 8 --tp 1 --route prefix-affinity \
    --trace "$AIF_GOLDEN_DIR/../data/mooncake_conversation_1000.jsonl.zst" --prefix-bound --json
