# A shared prefix longer than its prompt is refused at its column.
printf '0,4000,50,sys:3000\n1,2000,40,sys:3000\n' > p.csv
"$AIF_BIN" serve --model llama3.1-8b --system h100 --gpus 1 --trace p.csv
