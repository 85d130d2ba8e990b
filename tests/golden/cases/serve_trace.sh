# A generic CSV trace with a header, a blank line and a burst at one instant, served on two
# replicas by least outstanding tokens.
printf 'arrival_s,input_tokens,output_tokens\n0,1200,300\n0,200,50\n\n0.5,3000,20\n0.5,100,400\n2.25,800,800\n' > t.csv
"$AIF_BIN" serve --model llama2-70b --system h100 --gpus 8 --tp 4 --route least-tokens --trace t.csv --json
