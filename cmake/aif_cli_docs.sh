#!/bin/sh
# Generates the man pages and the bash completion of the aifactory command line from the
# help text the built binary prints, so neither can drift from the verb table (main.c) or
# the option tables (each cmd_<verb>.c): `aifactory --help` gives the verbs and their
# summaries, `aifactory VERB --help` the usage, description and options of each. Run by the
# build after the binary is linked (cmake/aif_install.cmake); POSIX sh and awk only.
#
# Usage: aif_cli_docs.sh AIFACTORY_BINARY OUTDIR VERSION
# writes OUTDIR/man/man1/aifactory.1, OUTDIR/man/man1/aifactory-VERB.1 for each verb, and
# OUTDIR/completion/aifactory (a bash completion script defining _aifactory).
set -eu
bin=$1
out=$2
version=$3
man=$out/man/man1
# Rebuilt whole each time: a verb that was removed loses its page.
rm -rf "$man" "$out/completion"
mkdir -p "$man" "$out/completion"
top=$out/completion/top-help.txt
"$bin" --help > "$top"

# The verbs and their one-line summaries: the indented lines of the "Verbs:" block.
verbs=$(awk '/^Verbs:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$top")
[ -n "$verbs" ] || { echo "aif_cli_docs.sh: no verbs in '$bin --help'" >&2; exit 1; }

# Roff text: a backslash is \e, a line starting with . or ' is protected by \&, and a
# hyphen in an option name is \- (a minus sign that copy-pastes as '-').
# split_opt reads one option line of a verb's help, "  -o, --out DIR   help text", into
# O_SHORT ("-o"), O_LONG ("--out"), O_VAL ("DIR", or "" for a flag; a value name has no
# lower-case letter) and O_HELP, without relying on the column the help text starts at.
common_awk='
function esc(s) { gsub(/\\/, "\\e", s); return s }
function line(s) { if (s == "") return ".PP"; s = esc(s); if (s ~ /^[.'"'"']/) s = "\\&" s; return s }
function opt(s) { s = esc(s); gsub(/-/, "\\-", s); return s }
function split_opt(s,    n, w, i, j) {
    sub(/^ +/, "", s)
    n = split(s, w, / +/)
    O_SHORT = ""; O_LONG = ""; O_VAL = ""; i = 1
    if (w[i] ~ /^-[^-]/) { O_SHORT = w[i]; sub(/,$/, "", O_SHORT); i++ }
    if (i <= n && w[i] ~ /^--/) { O_LONG = w[i]; i++ }
    if (i < n && w[i] !~ /[a-z]/) { O_VAL = w[i]; i++ }
    for (j = 1; j < i; j++) sub(/^[^ ]+ +/, "", s)
    O_HELP = s
}
'

# aifactory(1): the top-level help, with the verbs as a tagged list.
awk -v version="$version" "$common_awk"'
NR == 1 { sub(/^Usage: /, ""); synopsis[ns++] = $0; next }
state == 0 && /^ +aifactory / { sub(/^ +/, ""); synopsis[ns++] = $0; next }
state == 0 && /^$/ { state = 1; next }
state == 1 && /^Verbs:/ { state = 2; next }
state == 1 { desc = desc line($0) "\n"; next }
state == 2 && /^$/ { state = 3; next }
state == 2 {
    name = $1; sub(/^ +[^ ]+ +/, "")
    verbs = verbs ".TP\n.B " name "\n" line($0) "; see \\fBaifactory\\-" opt(name) "\\fR(1).\n"
    see = see (see == "" ? "" : ",\n") ".BR aifactory\\-" opt(name) " (1)"
    next
}
state == 3 { tail = tail line($0) "\n" }
END {
    print ".TH AIFACTORY 1 \"\" \"aifactory " version "\" \"aifactory manual\""
    print ".SH NAME\naifactory \\- simulate and plan AI factories"
    print ".SH SYNOPSIS\n.nf"
    for (i = 0; i < ns; i++) print line(synopsis[i])
    print ".fi\n.SH DESCRIPTION\n" desc ".SH VERBS\n" verbs ".SH NOTES\n" tail
    print ".SH SEE ALSO\n" see
}' "$top" > "$man/aifactory.1"

options_file=$out/completion/options.txt
: > "$options_file"
: > "$out/completion/subverbs.txt"
for verb in $verbs; do
    help=$out/completion/$verb-help.txt
    "$bin" "$verb" --help > "$help"
    summary=$(awk -v v="$verb" '/^Verbs:/ { on = 1; next } on && $1 == v {
        sub(/^ +[^ ]+ +/, ""); print; exit }' "$top")
    # aifactory-VERB(1): usage, description, and the options as a tagged list; a help line
    # that wraps (no leading "  -") continues the option above it.
    awk -v version="$version" -v verb="$verb" -v summary="$summary" "$common_awk"'
    NR == 1 { sub(/^Usage: aifactory [^ ]+ */, ""); usage = $0; next }
    state == 0 && /^$/ { state = 1; next }
    state == 1 && /^Options:/ { state = 2; next }
    state == 1 { desc = desc line($0) "\n"; next }
    state == 2 && /^  -/ {
        split_opt($0)
        tag = (O_SHORT != "" ? "\\fB" opt(O_SHORT) "\\fR, " : "") "\\fB" opt(O_LONG) "\\fR"
        if (O_VAL != "") tag = tag " \\fI" esc(O_VAL) "\\fR"
        opts = opts ".TP\n" tag "\n" line(O_HELP) "\n"
        next
    }
    state == 2 && NF { opts = opts line($0) "\n"; next }
    # After the options, sections such as "Examples:" with indented lines, kept as written.
    state == 2 { state = 3; next }
    state == 3 && /^[A-Z][A-Za-z ]*:$/ {
        if (open) extra = extra ".fi\n"
        extra = extra ".SH " toupper(substr($0, 1, length($0) - 1)) "\n.nf\n"; open = 1
        next
    }
    state == 3 && open && NF {
        s = $0; sub(/^  /, "", s); s = line(s); gsub(/-/, "\\-", s); extra = extra s "\n"
    }
    END {
        if (open) extra = extra ".fi\n"
        up = toupper(verb)
        print ".TH AIFACTORY\\-" opt(up) " 1 \"\" \"aifactory " version "\" \"aifactory manual\""
        print ".SH NAME\naifactory\\-" opt(verb) " \\- " line(summary)
        print ".SH SYNOPSIS\n.B aifactory " opt(verb) "\n" line(usage)
        print ".SH DESCRIPTION\n" desc ".SH OPTIONS\n" opts extra
        print ".SH EXIT STATUS\n0 ok, 1 runtime failure, 2 usage or input error."
        print ".SH SEE ALSO\n.BR aifactory (1)"
    }' "$help" > "$man/aifactory-$verb.1"
    # For the completion: "VERB --name VALUE_NAME" per option (VALUE_NAME "-" for a flag),
    # and the older spelling an option still accepts, "(also --output)", with the same value.
    # Its sub-verbs, the lower-case words its usage offers as alternatives: "catalog (list |
    # show ID)" gives list and show, "validate [SCENARIO | perf]" gives perf.
    awk -v verb="$verb" 'NR == 1 { sub(/^Usage: aifactory [^ ]+ */, ""); gsub(/[][()|]/, " & ")
        n = split($0, w, / +/)
        for (i = 2; i <= n; i++)
            if (w[i] ~ /^[a-z][a-z-]*$/ && w[i] != "options" && w[i - 1] ~ /^[([|]$/)
            print verb, w[i], "sub"
        exit }' "$help" >> "$out/completion/subverbs.txt"
    awk -v verb="$verb" "$common_awk"'/^Options:/ { on = 1; next } on && /^  -/ {
        split_opt($0)
        v = O_VAL == "" ? "-" : O_VAL
        print verb, O_LONG, v
        if (match(O_HELP, /\(also --[a-z0-9-]+\)$/))
            print verb, substr(O_HELP, RSTART + 6, RLENGTH - 7), v
    }' "$help" >> "$options_file"
done

# The bash completion: verbs after `aifactory`, each verb's options and sub-verbs after it,
# file names for positional arguments and for options whose value is a FILE, DIR, TRACE or SCENARIO, and the
# choices of --progress (the one option every verb shares).
{
    echo "# bash completion for aifactory; generated by cmake/aif_cli_docs.sh from the help"
    echo "# text of aifactory $version (do not edit)."
    echo "_aifactory() {"
    echo '    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}'
    echo "    local verbs=\"$(echo $verbs)\""
    echo '    if [ "$COMP_CWORD" -eq 1 ]; then'
    echo '        COMPREPLY=($(compgen -W "$verbs help --help --version" -- "$cur"))'
    echo '        return'
    echo '    fi'
    echo '    local verb=${COMP_WORDS[1]} opts="" files="" subs=""'
    echo '    case $verb in'
    echo '    help) COMPREPLY=($(compgen -W "$verbs" -- "$cur")); return ;;'
    for verb in $verbs; do
        opts=$(awk -v v="$verb" '$1 == v { print $2 }' "$options_file" | tr '\n' ' ')
        files=$(awk -v v="$verb" '$1 == v && $3 ~ /^(FILE|DIR|TRACE|SCENARIO)$/ { print $2 }' \
            "$options_file" | tr '\n' ' ')
        subs=$(awk -v v="$verb" '$1 == v { print $2 }' "$out/completion/subverbs.txt" |
            tr '\n' ' ')
        echo "    $verb) opts=\"${opts% }\" files=\"${files% }\" subs=\"${subs% }\" ;;"
    done
    echo '    *) return ;;'
    echo '    esac'
    echo '    case " $files " in'
    echo '    *" $prev "*) COMPREPLY=($(compgen -f -- "$cur")); return ;;'
    echo '    esac'
    echo '    if [ "$prev" = --progress ]; then'
    echo '        COMPREPLY=($(compgen -W "auto always never" -- "$cur"))'
    echo '        return'
    echo '    fi'
    echo '    case $cur in'
    echo '    -*) COMPREPLY=($(compgen -W "$opts" -- "$cur")) ;;'
    echo '    *)'
    echo '        COMPREPLY=($(compgen -f -- "$cur"))'
    echo '        if [ "$COMP_CWORD" -eq 2 ] && [ -n "$subs" ]; then'
    echo '            COMPREPLY+=($(compgen -W "$subs" -- "$cur"))'
    echo '        fi'
    echo '        ;;'
    echo '    esac'
    echo "}"
    echo "complete -F _aifactory aifactory"
} > "$out/completion/aifactory"
