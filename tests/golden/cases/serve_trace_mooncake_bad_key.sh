# An unknown key in a Mooncake row: the column of the key, and the keys that would work.
printf '{"timestamp": 0, "input_length": 100, "output_length": 5, "hash_id": [0]}\n' > m.jsonl
"$AIF_BIN" serve --model llama3.1-8b --system h100 --gpus 8 --tp 1 --trace m.jsonl
