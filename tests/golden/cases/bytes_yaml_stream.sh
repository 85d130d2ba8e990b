#!/usr/bin/env bash
# What libfyaml's document builder used to drop silently is refused at its position: a
# second YAML document, anything after a JSON scenario, a custom tag (issue 17).
set -u
run() {
    timeout 20 "$AIF_BIN" "$@" 2>&1
    echo "rc=$?"
}
printf 'aifactory: 1\n---\nname: b\n' >two.yaml
run validate two.yaml
printf '{"aifactory": 1} trailing' >trailing.json
run validate trailing.json
printf 'aifactory: !custom 1\n' >tag.yaml
run validate tag.yaml
run catalog list --catalog tag.yaml
