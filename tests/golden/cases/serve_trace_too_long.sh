# A request beyond the model's context is refused at its row.
printf '0,1200,300\n1,4000,500\n' > t.csv
"$AIF_BIN" serve --model llama2-70b --system h100 --gpus 8 --trace t.csv
