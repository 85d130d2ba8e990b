#!/usr/bin/env bash
# tests/data/repro/yaml-complex-key-tab-crash.yaml (`? ::`, a tab, `:`): libfyaml 0.7.12
# crashed (SIGSEGV) cleaning up after this explicit key. Explicit keys are refused before
# libfyaml sees the text, for every YAML input, with one line and exit 2.
f="$AIF_GOLDEN_DIR/../data/repro/yaml-complex-key-tab-crash.yaml"
cp "$f" crash.yaml
"$AIF_BIN" validate crash.yaml; echo "validate: rc=$?"
"$AIF_BIN" perf --model x --system hgx-h100 --gpus 8 --workload offline --models crash.yaml
echo "--models: rc=$?"
"$AIF_BIN" catalog list --catalog crash.yaml; echo "--catalog: rc=$?"
"$AIF_BIN" replay t.csv --cluster crash.yaml; echo "--cluster: rc=$?"
# A "? " inside a block scalar is text, not a key.
printf 'aifactory: 1\ndescription: |\n  ? what is this\n' > block.yaml
"$AIF_BIN" validate block.yaml 2>&1 | grep -c "explicit mapping keys" || true
