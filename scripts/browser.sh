#!/usr/bin/env bash
# Make sure the browser test can run: Debian's chromium, and Python playwright in the venv.
# (No browser is downloaded: playwright drives the system chromium through executable_path.)
#
# - Both present: change nothing, exit 0.
# - chromium missing and we are root on Debian/Ubuntu: install it with apt.
# - playwright missing from the venv: pip install it (the "browser" extra of pyproject.toml).
# - Otherwise: one line on stderr saying why, exit 1.
#
# Usage: scripts/browser.sh [PYTHON]   (default .venv/bin/python)
# Environment:
#   NETUI_CHROMIUM   the chromium binary to use (default: Debian's, /usr/lib/chromium/chromium)
set -u

say() { echo "browser.sh: $*" >&2; }
fail() { say "$*"; exit 1; }

cd "$(dirname "$0")/.."
py=${1:-.venv/bin/python}
[ -x "$py" ] || fail "no Python at $py (run make install first)"

find_chromium() {
    for c in "${NETUI_CHROMIUM:-}" /usr/lib/chromium/chromium "$(command -v chromium 2>/dev/null)" "$(command -v chromium-browser 2>/dev/null)"; do
        if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
    done
    return 1
}

if ! chromium=$(find_chromium); then
    [ -z "${NETUI_CHROMIUM:-}" ] || fail "NETUI_CHROMIUM=$NETUI_CHROMIUM is not an executable"
    [ "$(id -u)" = 0 ] || fail "chromium is missing, and installing it needs root (apt-get install chromium)"
    command -v apt-get >/dev/null 2>&1 || fail "chromium is missing and apt-get is not here: install chromium yourself"
    say "installing chromium with apt"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } >/tmp/netui-apt-chromium.log 2>&1; then
        fail "apt-get could not install chromium (see /tmp/netui-apt-chromium.log)"
    fi
    chromium=$(find_chromium) || fail "chromium was installed but no binary is found"
fi

if ! "$py" -c "import playwright.sync_api" >/dev/null 2>&1; then
    say "installing playwright into $(dirname "$py")"
    "$py" -m pip install -q --disable-pip-version-check -e '.[browser]' || fail "pip could not install playwright"
fi

version=$("$chromium" --version 2>/dev/null | head -n 1)
say "ready: ${version:-chromium at $chromium}, playwright $("$py" -c 'from importlib.metadata import version; print(version("playwright"))')"
