#!/usr/bin/env bash
# Install peer tools the benchmarks compare netui with, into .peers/ (not the project's venv).
#   sen 0.8.1 (PyPI; a urwid TUI that watches engine events). Its last release breaks on
#   urwid >= 2.2 ('super' object has no attribute 'set_body'), so urwid is held at 2.1.2.
# lazydocker has no PyPI or Debian package and its releases cannot be downloaded from these
# machines; the project does not build it either (it commits no recipe that builds fetched
# code). `make bench` measures it when an executable is at .peers/lazydocker/lazydocker.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .peers/sen/bin/sen ]; then
    echo "peers.sh: sen already in .peers/sen"
    exit 0
fi
python3 -m venv .peers/sen
.peers/sen/bin/pip install -q "sen==0.8.1" "urwid==2.1.2"
echo "peers.sh: sen installed in .peers/sen"
