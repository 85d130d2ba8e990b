# A bad row is named by file, line and column, and nothing is printed on stdout.
printf 'arrival_s,input_tokens,output_tokens\n0,1200,300\n1,-4,50\n' > t.csv
"$AIF_BIN" serve --model llama2-70b --system h100 --gpus 8 --trace t.csv --json
