#!/usr/bin/env bash
# The installed tree, as a user meets it (ctest label `install`): `cmake --install` into a
# temporary prefix, then
#  - the binary, the shared and static library, the pkg-config file, every public header
#    (flattened into include/aifactory/), the man pages and the bash completion are there;
#  - each installed header compiles on its own with only the installed include folder (an
#    installed header that includes a private or uninstalled one fails here);
#  - a small C program (consumer.c) builds with `pkg-config --cflags --libs aifactory`, against
#    the shared library and against the static one, and gives the plan the installed binary
#    gives;
#  - every man page renders without warnings;
#  - the completion offers every verb, and every option of each verb, that --help lists, and
#    a verb's sub-verbs (catalog list|show).
# Usage: install_test.sh BUILD_DIR CC PKG_CONFIG
# Environment: AIFACTORY_TEST_SKIP (a reason: skip the Python check), AIFACTORY_TEST_PRELOAD
# (a sanitizer runtime python3 must preload to load a sanitized library).
# In a sanitized build the library needs the sanitizer runtimes: the .pc file adds their
# flags to Libs (cmake/aif_install.cmake), so the same commands work there too.
set -euo pipefail
build=$(realpath "$1")
cc=$2
pkg_config=$3
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() {
    echo "install_test: $*" >&2
    exit 1
}

cmake --install "$build" --prefix "$prefix" > "$work/install.log" || {
    cat "$work/install.log"
    fail "cmake --install failed"
}

# ---- what is there ----
for f in bin/aifactory lib/libaifactory.so lib/libaifactory.a lib/pkgconfig/aifactory.pc \
    share/man/man1/aifactory.1 share/bash-completion/completions/aifactory; do
    [ -e "$prefix/$f" ] || fail "missing $f"
done
soname=$(objdump -p "$prefix/lib/libaifactory.so" 2> /dev/null | awk '$1 == "SONAME" { print $2 }')
[[ "$soname" =~ ^libaifactory\.so\.[0-9]+\.[0-9]+$ ]] || fail "soname '$soname'"
[ -e "$prefix/lib/$soname" ] || fail "no $soname installed"

# Every public header of every layer, flattened; nothing else.
(cd "$src/include" && ls */aifactory/*.h | sed 's|^[^/]*/||' | sort) > "$work/headers.want"
(cd "$prefix/include" && ls aifactory/*.h | sort) > "$work/headers.got"
diff -u "$work/headers.want" "$work/headers.got" || fail "installed headers differ from include/"
# Each one alone, with only the installed folder on the include path (four at a time).
mkdir "$work/h"
for h in $(cat "$work/headers.got"); do
    printf '#include "%s"\n' "$h" > "$work/h/${h#aifactory/}.c"
done
ls "$work"/h/*.c | xargs -P 4 -I{} "$cc" -std=c17 -Wall -Wextra -Wpedantic -Werror \
    -fsyntax-only -I"$prefix/include" {} || fail "an installed header does not compile on its own"

# ---- a program built with pkg-config ----
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# shellcheck disable=SC2046 # the flags are words
"$cc" -std=c17 -Wall -Wextra -Werror -o "$work/consumer" "$here/consumer.c" \
    $("$pkg_config" --cflags --libs aifactory) -Wl,-rpath,"$prefix/lib" ||
    fail "consumer.c does not build with pkg-config --cflags --libs aifactory"
# (ldd's output is read whole: `ldd | grep -q` fails under pipefail when grep stops early.)
loaded=$(ldd "$work/consumer")
grep -q "$prefix/lib/libaifactory.so" <<< "$loaded" || fail "consumer: not linked to $prefix/lib"
"$work/consumer" > "$work/consumer.out" || fail "consumer failed"
# The static library, with the private dependencies `pkg-config --static` adds.
static_libs=$("$pkg_config" --static --libs aifactory | sed 's/-laifactory\b/-l:libaifactory.a/')
# shellcheck disable=SC2046,SC2086
"$cc" -std=c17 -Wall -Wextra -Werror -o "$work/consumer_static" "$here/consumer.c" \
    $("$pkg_config" --cflags aifactory) $static_libs || fail "consumer.c does not link statically"
loaded=$(ldd "$work/consumer_static")
if grep -q libaifactory <<< "$loaded"; then
    fail "consumer_static loads libaifactory.so"
fi
"$work/consumer_static" > "$work/consumer_static.out" || fail "consumer_static failed"
diff -u "$work/consumer.out" "$work/consumer_static.out" || fail "static and shared disagree"

# The same plan from the installed binary.
version=$("$prefix/bin/aifactory" --version | awk '{ print $2 }')
plan=$("$prefix/bin/aifactory" plan --power 10GW --system gb200-nvl72 --json)
racks=$(printf '%s\n' "$plan" | sed -n 's/^  "racks": \([0-9]*\),$/\1/p')
packages=$(printf '%s\n' "$plan" | sed -n 's/^  "packages": \([0-9]*\),$/\1/p')
printf 'aifactory %s\npower_w 10000000000\nracks %s\npackages %s\n' "$version" "$racks" \
    "$packages" > "$work/cli.out"
diff -u "$work/cli.out" "$work/consumer.out" || fail "consumer.c and the CLI disagree"

# ---- man pages ----
top_help=$("$prefix/bin/aifactory" --help)
verbs=$(awk '/^Verbs:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' <<< "$top_help")
[ -n "$verbs" ] || fail "no verbs in aifactory --help"
for page in aifactory $(printf 'aifactory-%s ' $verbs); do
    file=$prefix/share/man/man1/$page.1
    [ -e "$file" ] || fail "no man page $page(1)"
    grep -q '^\.TH ' "$file" || fail "$page.1 has no .TH"
    if command -v groff > /dev/null; then
        # -ww: every warning; -z: no output. A page with a roff error says so on stderr.
        warnings=$(groff -man -ww -z "$file" 2>&1)
        [ -z "$warnings" ] || fail "$page.1: $warnings"
    fi
    if command -v man > /dev/null; then
        shown=$(MANWIDTH=80 man -l "$file" 2> /dev/null) || fail "man -l $page.1 failed"
        grep -q "^NAME" <<< "$shown" || fail "man -l $page.1 shows no NAME"
    fi
done
[ "$(ls "$prefix/share/man/man1" | wc -l)" -eq $(($(echo $verbs | wc -w) + 1)) ] ||
    fail "man pages other than aifactory(1) and one per verb"

# ---- bash completion ----
completion=$prefix/share/bash-completion/completions/aifactory
complete_words() { # the words the completion offers for the command line "$@" (last: cur)
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _aifactory
        printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@"
}
got=$(complete_words aifactory r | sort | tr '\n' ' ')
[ "$got" = "replay report run " ] || fail "completing 'aifactory r' gave '$got'"
offered=$(complete_words aifactory "")
for verb in $verbs; do
    grep -qx -- "$verb" <<< "$offered" || fail "completion does not offer verb $verb"
    options=$(complete_words aifactory "$verb" -)
    want=$("$prefix/bin/aifactory" "$verb" --help | awk '/^Options:/ { on = 1; next }
        on && /^  -/ { for (i = 1; i <= NF; i++) if ($i ~ /^--/) { print $i; break } }')
    for o in $want; do
        grep -qx -- "$o" <<< "$options" || fail "completion of '$verb' does not offer $o"
    done
done
got=$(cd "$work" && complete_words aifactory catalog "" | grep -x 'list\|show' | tr '\n' ' ')
[ "$got" = "list show " ] || fail "completing 'aifactory catalog ' gave '$got'"
got=$(complete_words aifactory run --progress a | tr '\n' ' ')
[ "$got" = "auto always " ] || fail "completing '--progress a' gave '$got'"
# ---- the Python package, loading the library of its own prefix ----
if command -v python3 > /dev/null && [ -z "${AIFACTORY_TEST_SKIP:-}" ]; then
    py=$prefix/lib/python3/dist-packages
    [ -e "$py/aifactory/__init__.py" ] || fail "no Python package in $py"
    got=$(cd "$work" && env -u AIFACTORY_LIBRARY PYTHONPATH="$py" \
        ${AIFACTORY_TEST_PRELOAD:+LD_PRELOAD=$AIFACTORY_TEST_PRELOAD ASAN_OPTIONS=detect_leaks=0} python3 -c 'import aifactory
print(aifactory.library_path()); print(aifactory.plan(power="10GW", system="gb200-nvl72")["racks"])')
    want=$(printf '%s\n%s' "$(realpath "$prefix/lib/$soname")" "$racks")
    got_lib=$(realpath "$(head -1 <<< "$got")")
    [ "$got_lib
$(tail -1 <<< "$got")" = "$want" ] || fail "installed Python package: got '$got', want '$want'"
fi
echo "install_test: ok ($prefix: $(echo $verbs | wc -w) verbs)"
