# --length-mix: (input, output) pairs drawn jointly from a trace file's rows (here a generic
# CSV; arrivals come from --rate, gamma with CV 2), as --json and as text; a bad row of the
# mix file is named by its line.
printf 'arrival_s,input_tokens,output_tokens\n0,1200,300\n0,200,50\n0.5,3000,20\n0.5,100,400\n2.25,800,800\n' > mix.csv
"$AIF_BIN" serve --model llama2-70b --system h100 --gpus 8 --tp 4 --rate 4 --arrivals gamma:2 --requests 200 --length-mix mix.csv --json
echo "rc=$?"
"$AIF_BIN" serve --model llama2-70b --system h100 --gpus 8 --tp 4 --concurrency 8 --requests 50 --length-mix mix.csv
echo "rc=$?"
printf '0,100,10\n1,-4,10\n' > bad.csv
"$AIF_BIN" serve --model llama2-70b --system h100 --gpus 8 --tp 4 --rate 4 --length-mix bad.csv
echo "rc=$?"
"$AIF_BIN" serve --model llama2-70b --system h100 --gpus 8 --tp 4 --rate 4 --length-mix mix.csv --input-len 500
echo "rc=$?"
