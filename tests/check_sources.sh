#!/usr/bin/env bash
# Provenance check (ctest docs.sources): the bundled data must be traceable from inside the
# repository.
#
#   check_sources.sh [ROOT]      ROOT: the source tree (default: the parent of this folder)
#
# Fails when
#  1. a citation "S<n> row <m>", "S<n> rows <a>-<b>" or "S<n> check <m>" in data/**/*.yaml
#     names no row of docs/sources.md (a row is a table line "| <m> | ..." under a heading
#     "## S<n>. ..."); or a citation is incomplete: "src S<n>" with no row or check, a dotted
#     section ("S2.3"), or a "row <m>" / "check <m>" not preceded by its section;
#  2. a file under data/ or docs/ (those git tracks or would add, in a git checkout) points
#     outside the repository ("../shared", "/work/shared", "DOMAIN.md", "DOMAIN <n>"), or a
#     file under data/, or docs/sources.md, cites an issue ("issue <n>") as a source; other
#     docs may name issues as work items;
#  3. a URL or owner/repo:path in a source: field of data/catalog.yaml or data/models.yaml
#     is not in docs/sources.md (compared as whole words).
# Every problem is printed (file:line: message) before the exit status 1.
set -uo pipefail
export LC_ALL=C

root=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"}
cd "$root" || { echo "check_sources: cannot enter $root" >&2; exit 2; }
doc=docs/sources.md
[ -f "$doc" ] || { echo "check_sources: $doc is missing" >&2; exit 1; }

fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# The files to scan: in a git checkout the committed ones and the new ones git does not
# ignore (so a problem shows before it is committed), else every file.
if git -C . rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C . ls-files -z --cached --others --exclude-standard -- data docs | tr '\0' '\n' |
        sort -u >"$tmp/files"
else
    find data docs -type f | sort >"$tmp/files"
fi
# A file listed by git but deleted in the work tree is skipped.
while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done <"$tmp/files" >"$tmp/present"
grep -E '^data/.*\.ya?ml$' "$tmp/present" >"$tmp/yaml" || true

# Rows of docs/sources.md as "S<n> <m>", one a line.
awk '
    /^## / { sec = ""; if (match($0, /^## S[0-9]+\./)) sec = substr($0, 4, RLENGTH - 4) }
    sec != "" && /^\| *[0-9]+ *\|/ { split($0, f, "|"); gsub(/ /, "", f[2]); print sec " " f[2] }
' "$doc" | sort -u >"$tmp/rows"
if [ ! -s "$tmp/rows" ]; then
    echo "check_sources: $doc has no numbered rows under '## S<n>.' headings" >&2
    exit 1
fi

# 1. Citations in the data files (one awk over all of them; POSIX awk has no \b, so a
# match counts only where the character before it is not a letter or digit).
if [ -s "$tmp/yaml" ]; then
    # shellcheck disable=SC2046  # the file names are plain paths under data/
    awk -v doc="$doc" '
        FNR == NR { row[$0] = 1; next }
        function word_start(s, at) { return at == 1 || substr(s, at - 1, 1) !~ /[A-Za-z0-9]/ }
        function report(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg }
        {
            s = $0; off = 0
            while (match(s, /(S[0-9]+ )?(rows?|checks?) [0-9]+(-[0-9]+)?/)) {
                at = off + RSTART; cite = substr(s, RSTART, RLENGTH)
                s = substr(s, RSTART + RLENGTH); off = at + RLENGTH - 1
                if (!word_start($0, at)) {
                    # "grows 4-5x": not a citation, but "S4 rows" inside it may follow
                    continue
                }
                if (cite !~ /^S/) {
                    report("'\''" cite "'\'' does not say its section (write '\''src S<n> " cite "'\'')")
                    continue
                }
                n = split(cite, w, " "); sec = w[1]; range = w[n]
                lo = range; hi = range
                if (index(range, "-")) { lo = substr(range, 1, index(range, "-") - 1); hi = substr(range, index(range, "-") + 1) }
                lo += 0; hi += 0
                if (lo > hi) { report("'\''" cite "'\'': empty range"); continue }
                for (k = lo; k <= hi; k++)
                    if (!((sec " " k) in row))
                        report("'\''" cite "'\'': " doc " has no row " k " in section " sec)
            }
            s = $0; off = 0
            while (match(s, /src S[0-9]+[.0-9]*( [a-z]+)?/)) {
                cite = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH)
                if (cite !~ /^src S[0-9]+ (rows?|checks?)$/)
                    report("'\''" cite "'\'' names no row or check of " doc)
            }
            s = $0; off = 0
            while (match(s, /S[0-9]+[.][0-9]+/)) {
                at = off + RSTART; cite = substr(s, RSTART, RLENGTH)
                s = substr(s, RSTART + RLENGTH); off = at + RLENGTH - 1
                if (word_start($0, at))
                    report("'\''" cite "'\'' is not a section of " doc " (write S<n> row <m>)")
            }
        }
    ' "$tmp/rows" $(cat "$tmp/yaml") >"$tmp/cite_errors"
fi

# 2. References that lead outside the repository, and issues cited as sources.
tr '\n' '\0' <"$tmp/present" | xargs -0 grep -nIHE '\.\./shared|/work/shared|DOMAIN\.md|DOMAIN [0-9]' |
    sed -E 's/^([^:]*:[0-9]+):.*$/\1: points outside the repository (shared folder or DOMAIN notes)/' \
        >"$tmp/path_errors"
grep -E '^data/' "$tmp/present" >"$tmp/issue_files" || true
[ -f "$doc" ] && echo "$doc" >>"$tmp/issue_files"
tr '\n' '\0' <"$tmp/issue_files" | xargs -0 grep -nIHiE '(^|[^A-Za-z])issue #?[0-9]+' |
    sed -E 's/^([^:]*:[0-9]+):.*$/\1: cites an issue; cite a row of docs\/sources.md or write ASSUMPTION: <why>/' \
        >>"$tmp/path_errors"

# 3. Catalog and model sources must be listed in docs/sources.md: every URL or
# owner/repo:path inside a source: value (free text around them is allowed) must be a word
# of the document (words split at blanks, with brackets and trailing punctuation removed).
set --
for y in data/catalog.yaml data/models.yaml; do [ -f "$y" ] && set -- "$@" "$y"; done
if [ $# -gt 0 ]; then
    awk -v doc="$doc" '
        function clean(w) { sub(/^[(`]+/, "", w); sub(/[;,.)`]+$/, "", w); return w }
        FNR == NR { for (i = 1; i <= NF; i++) word[clean($i)] = 1; next }
        {
            s = $0
            while (match(s, /source: "[^"]*"/)) {
                v = substr(s, RSTART + 9, RLENGTH - 10); s = substr(s, RSTART + RLENGTH)
                gsub(/;/, " ", v)
                n = split(v, w, " ")
                for (i = 1; i <= n; i++) {
                    ref = clean(w[i])
                    if (ref !~ /^https?:\/\// && ref !~ /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+:[^ ]+$/) continue
                    if (!(ref in word))
                        printf "%s:%d: source '\''%s'\'' is not listed in %s\n", FILENAME, FNR, ref, doc
                }
            }
        }
    ' "$doc" "$@" >"$tmp/url_errors"
fi

for e in cite_errors path_errors url_errors; do
    if [ -s "$tmp/$e" ]; then
        cat "$tmp/$e" >&2
        fail=1
    fi
done
if [ "$fail" -ne 0 ]; then
    echo "check_sources: FAILED (see above)" >&2
    exit 1
fi
echo "check_sources: ok ($(wc -l <"$tmp/yaml") data files, $(wc -l <"$tmp/rows") rows in $doc)"
