# A malformed Mooncake row is named by file, line and column (here a negative length on
# line 3), and nothing is printed on stdout.
printf '{"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, 2]}\n' > m.jsonl
printf '\n{"timestamp": 40, "input_length": -7, "output_length": 3}\n' >> m.jsonl
"$AIF_BIN" serve --model llama3.1-8b --system h100 --gpus 8 --tp 1 --trace m.jsonl --json
