# shellcheck shell=bash
# Sourced by the browser test runners: exit 77 (CTest: skipped) when node, chromium or
# playwright-core is absent, or fail under CI=true, where .ci/run installs all three.
# Needs $modules (the node_modules folder); sets $chromium (AIF_CHROMIUM overrides).
chromium=${AIF_CHROMIUM:-/usr/bin/chromium}

skip() {
    if [ "${CI:-}" = "true" ]; then
        echo "browser test: $1; CI must run this test (.ci/run installs it)" >&2
        exit 1
    fi
    echo "browser test skipped: $1" >&2
    exit 77
}

command -v node >/dev/null 2>&1 || skip "node not found (apt-get install nodejs)"
[ -x "$chromium" ] || skip "$chromium not found (apt-get install chromium)"
[ -f "$modules/playwright-core/package.json" ] ||
    skip "playwright-core not in $modules (npm was unavailable when building)"
