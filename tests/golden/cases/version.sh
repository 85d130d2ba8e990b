# --version: the version and the build's git commit, "unknown" outside git. The commit
# changes with every commit, so it is checked for its form and printed as COMMIT.
"$AIF_BIN" --version | sed -E 's/^(aifactory [0-9]+\.[0-9]+\.[0-9]+) \(commit ([0-9a-f]{7,}|unknown)\)$/\1 (commit COMMIT)/'
