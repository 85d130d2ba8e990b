#!/usr/bin/env bash
# The scenario reader's fuzz hang: the first line of the reproducer is a --set, the rest the
# scenario, whose line 10 is `%`, spaces and byte 0xd3 - the libfyaml directive-scanner loop
# again, reached in the middle of a document. Also: a --set value that is not UTF-8 is
# refused at its position, and a NUL in a scenario is named as such.
set -u
repro=$AIF_GOLDEN_DIR/../data/repro/fuzz-scenario-timeout.bin
tail -n +2 "$repro" >fuzz.yaml
run() {
    timeout 20 "$AIF_BIN" "$@" 2>&1
    echo "rc=$?"
}
run validate fuzz.yaml --set "$(head -n 1 "$repro")"
run validate --set $'name=ok\xc0\x80'
printf 'aifactory: 1\nname: a\0b\n' >nul.yaml
run validate nul.yaml
