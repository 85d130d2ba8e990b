# The Azure LLM inference 2023 layout (dates; arrivals count from the first row), served on
# one replica; lengths here are made up, in the trace's shape.
printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n' > azure.csv
printf '2023-11-16 18:15:46.6805900,1020,129\n2023-11-16 18:15:46.9000000,350,40\n' >> azure.csv
printf '2023-11-16 18:15:47.1250000,2900,600\n2023-11-16 18:15:49.0000000,130,12\n' >> azure.csv
printf '2023-11-16 18:15:49.0000000,800,211\n2023-11-16 18:15:52.5000000,4100,8\n' >> azure.csv
"$AIF_BIN" serve --model llama3.1-70b --system hgx-h100 --gpus 8 --tp 8 --trace azure.csv --json
