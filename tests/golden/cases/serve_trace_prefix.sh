# The generic CSV's prefix column (ID:TOKENS): four requests share a 3,000-token system
# prompt, one has none; text report with the prefix cache's hit rate, then the same trace
# with the cache off (no hits, longer TTFT), and the cached tokens of each request with -o.
printf 'arrival_s,input_tokens,output_tokens,prefix\n0,4000,50,sys:3000\n1,3500,40,sys:3000\n' > p.csv
printf '2,5000,60,sys:3000\n2.5,800,20,\n3,3100,30,sys:3000\n' >> p.csv
"$AIF_BIN" serve --model llama3.1-8b --system h100 --gpus 1 --trace p.csv
"$AIF_BIN" serve --model llama3.1-8b --system h100 --gpus 1 --trace p.csv --prefix-cache off --json
# requests.csv carries each request's cached prompt tokens (2,992: 187 whole 16-token blocks).
"$AIF_BIN" serve --model llama3.1-8b --system h100 --gpus 1 --trace p.csv --quiet -o out
cut -d, -f1,7,14 out/requests.csv
