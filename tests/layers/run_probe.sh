#!/usr/bin/env bash
# Build one layer probe target and check the outcome: `refused` expects the build to fail
# with the compiler's or linker's refusal (a missing header, an undefined reference), `ok`
# expects it to succeed. Any other failure (a broken probe) fails the test.
# Usage: run_probe.sh BUILD_DIR TARGET refused|ok
set -u
build=$1 target=$2 expect=$3
out=$(cmake --build "$build" --target "$target" 2>&1)
rc=$?
if [ "$expect" = ok ]; then
    [ $rc -eq 0 ] && exit 0
    printf 'layer probe %s should build but did not:\n%s\n' "$target" "$out"
    exit 1
fi
# gcc says "No such file or directory" for a missing header, clang "file not found".
if [ $rc -ne 0 ] && printf '%s' "$out" |
    grep -Eq 'No such file or directory|file not found|undefined reference'; then
    exit 0
fi
printf 'layer probe %s should be refused (missing header or undefined reference) but got rc=%d:\n%s\n' \
    "$target" "$rc" "$out"
exit 1
