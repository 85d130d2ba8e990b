#!/usr/bin/env bash
# Fails when any C source or header differs from what clang-format (with the committed
# .clang-format) would write; prints the offending files.
set -euo pipefail
clang_format=$1
root=$2
cd "$root"
bad=0
while IFS= read -r -d '' f; do
    if ! "$clang_format" --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "not clang-formatted: $f"
        bad=1
    fi
done < <(find include src tests bench fuzz -name '*.[ch]' -print0)
exit "$bad"
