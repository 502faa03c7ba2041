"""The connectivity matrix, its logic without the engine: who is in the table, the
cells and the result, how hard to push (`Pace`), the per-source script and how its
answers read. netui.engine.matrix runs it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from netui.engine.model import Container, Network, Snapshot

OK = "ok"
NEGATIVE = ("noreply", "noname")
MAX_ROUNDS = 8  # the first pass and up to 7 confirmation rounds
CHUNK = 64  # targets per exec at most


# -- who is in the table ---------------------------------------------------------------------
@dataclass(frozen=True)
class MatrixMembers:
    members: tuple[Container, ...] = ()  # rows and columns, in order
    notes: tuple[tuple[str, str], ...] = ()  # (container id, note) for members shown with one
    left_out: tuple[tuple[str, str], ...] = ()  # (name, why) of members not in the table

    def note(self, cid: str) -> str:
        return next((n for i, n in self.notes if i == cid), "")

    @property
    def sources(self) -> tuple[Container, ...]:
        """The members tests run from: not the paused ones (nothing runs in them)."""
        return tuple(c for c in self.members if c.state == "running")

    @property
    def pairs(self) -> int:
        return len(self.sources) * max(0, len(self.members) - 1)


def matrix_members(snap: Snapshot, network: Network, extra: Network | None = None) -> MatrixMembers:
    """Who a matrix of `network` (plus `extra`) lists, and why the others are not there."""
    members: list[Container] = []
    notes: dict[str, list[str]] = {}
    left: dict[str, str] = {}
    sharers: list[tuple[Container, Container]] = []
    seen: set[str] = set()
    for net in [network] + ([extra] if extra is not None else []):
        for m in snap.members(net.id):
            c = m.container
            if c.is_probe or c.id in seen:
                continue
            if m.endpoint is None:
                # network_mode container:<x>: x's endpoint, not a second one.
                holder = m.via
                if holder is not None:
                    notes.setdefault(holder.id, []).append(f"{c.name} shares its network stack")
                    sharers.append((c, holder))
                continue
            seen.add(c.id)
            if c.mode == "host":
                left[c.name] = "host networking: it shares the host's own stack"
            elif c.mode == "none":
                left[c.name] = "--network none: only loopback"
            elif c.state == "running":
                members.append(c)
            elif c.state == "paused":
                members.append(c)
                notes.setdefault(c.id, []).insert(0, "paused: tested as a target only (its kernel answers ping, "
                                                     "its programs are frozen); unpause it to test from it")
            else:
                left[c.name] = f"{c.state or 'not running'}: no address to test"
    ids = {c.id for c in members}
    for c, holder in sharers:
        if holder.id not in ids:
            left.setdefault(c.name, f"shares {holder.name}'s network stack, which is not in the table")
    return MatrixMembers(
        tuple(members),
        tuple((cid, "; ".join(v)) for cid, v in notes.items() if cid in ids),
        tuple(sorted(left.items())),
    )


# -- results ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """One pair's answer. A note about a whole row has target "", about a whole
    column source "" (status "stopped" or "paused")."""

    source: str
    target: str
    status: str  # ok | by-ip | isolated | leak | paused | no-name | no-reply | error | stopped
    text: str
    rtt_ms: float | None = None
    method: str = ""
    command: str = ""


@dataclass
class MatrixResult:
    network: str
    members: tuple[Container, ...]
    cells: dict[tuple[str, str], Cell]
    seconds: float = 0.0
    cancelled: bool = False
    notes: dict[str, str] = field(default_factory=dict)  # container id -> note (paused, stopped during the run, shares…)
    left_out: tuple[tuple[str, str], ...] = ()
    total: int | None = None  # pairs to test: cancelled ones (a member stopped) are not counted
    retried: int = 0  # negative answers tried again before being reported
    recovered: int = 0  # of those, how many answered on a later try
    overflow: str = ""  # the kernel's neighbour table overflowed during the run: what that means
    rounds: int = 0
    overflows: int = 0  # how many times it was full (when the engine runs on this machine)



def parse_arp_cache(text: str) -> tuple[int, int] | None:
    """/proc/net/stat/arp_cache: (entries in the table, times it was full), or None.
    One line per CPU, hexadecimal; the entries column is the same on each line."""
    try:
        lines = [line.split() for line in text.splitlines() if line.strip()]
        head, rows = lines[0], lines[1:]
        col = head.index("table_fulls")
        return int(rows[0][head.index("entries")], 16), sum(int(r[col], 16) for r in rows)
    except (ValueError, IndexError):
        return None



# -- how hard to push ---------------------------------------------------------------------------
class Pace:
    """How hard the matrix pushes, adapted as it goes.

    - execs in flight and pings in flight per exec: from the engine's CPU count;
      halved when execs come back slow or time out, raised again after calm ones;
    - pairs started per second: unlimited until trouble (the neighbour table
      overflowing, or a bulk of failures where its counters are not visible),
      then halved at each trouble and raised by a quarter at each calm exec.
    """

    def __init__(self, cpus: int, cap: int) -> None:
        self.max_workers = max(1, min(cap, 4 * cpus))
        self.max_per_exec = max(16, min(64, 16 * cpus))
        self.workers = self.max_workers
        self.per_exec = self.max_per_exec
        self.rate: float | None = None  # pairs a second; None: no limit
        self.troubles = 0
        self._budget = 0.0
        self._stamp = time.monotonic()
        self._active = 0
        self._calm = 0
        self._cut = 0.0
        self._recent: list[tuple[float, int]] = []
        self._cond = threading.Condition()

    def acquire(self, cancel: threading.Event) -> bool:
        """A slot for one exec; False when cancelled."""
        with self._cond:
            while self._active >= self.workers and not cancel.is_set():
                self._cond.wait(0.1)
            if cancel.is_set():
                return False
            self._active += 1
            return True

    def release(self) -> None:
        with self._cond:
            self._active -= 1
            self._cond.notify_all()

    def take(self, want: int, cancel: threading.Event) -> int:
        """How many of `want` pairs may start now (at least 1), waiting for the rate if limited."""
        while not cancel.is_set():
            with self._cond:
                if self.rate is None:
                    return want
                now = time.monotonic()
                self._budget = min(max(self.rate, want), self._budget + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._budget >= 1:
                    n = max(1, min(want, int(self._budget)))
                    self._budget -= n
                    return n
                wait = (1 - self._budget) / self.rate
            cancel.wait(min(wait, 0.5))
        return 0

    def done(self, pairs: int) -> None:
        """Pairs that got a final answer: the recent throughput, where a cut starts from."""
        now = time.monotonic()
        with self._cond:
            self._recent.append((now, pairs))
            while self._recent and now - self._recent[0][0] > 3.0:
                self._recent.pop(0)

    def overloaded(self) -> None:
        """The network side could not keep up (neighbour table, bulk failures): fewer
        pairs a second. One cut a second at most: execs running side by side all see
        the same overflow."""
        now = time.monotonic()
        with self._cond:
            self._calm = 0
            if now - self._cut < 1.0:
                return
            self._cut = now
            self.troubles += 1
            recent = sum(n for _, n in self._recent) / 3.0
            base = min(self.rate, recent) if self.rate is not None else recent
            self.rate = max(2.0, base / 2)
            self._budget = 0.0
            self._stamp = now

    def slow(self) -> None:
        """Execs come back slow or time out: fewer of them, and fewer pings in each."""
        with self._cond:
            self.troubles += 1
            self._calm = 0
            self.workers = max(1, self.workers // 2)
            self.per_exec = max(4, self.per_exec // 2)

    def calm(self, pairs: int) -> None:
        with self._cond:
            if self.rate is not None:
                self.rate += max(1.0, pairs / 4)
            self._calm += 1
            if self._calm >= 3:
                self._calm = 0
                self.workers = min(self.max_workers, self.workers + 1)
                self.per_exec = min(self.max_per_exec, self.per_exec * 2)
            self._cond.notify_all()



MATRIX_SCRIPT = r"""
k=$1; c=$2; shift 2
safe=1
if [ -r /etc/resolv.conf ]; then
  while read -r key v rest; do
    if [ "$key" = nameserver ] && [ "$v" != 127.0.0.11 ]; then safe=0; fi
  done < /etc/resolv.conf
else
  safe=0
fi
i=0
for a in "$@"; do
  t=${a#?:}
  t=${t%%#*}
  case "$a" in
    n:*) if [ "$safe" != 1 ]; then echo "@@$a|unsafe|"; continue; fi ;;
  esac
  (
    if [ "$c" = 1 ]; then o=$(ping -c 1 -W 1 "$t" 2>&1); else o=$(ping -c "$c" -i 0.3 -W 1 "$t" 2>&1); fi
    rc=$?
    case "$o" in
      *"bad address"*|*"nknown host"*|*"not known"*) echo "@@$a|noname|" ;;
      *time=*) r=${o#*time=}; r=${r%% *}; echo "@@$a|ok|$r" ;;
      *) echo "@@$a|noreply|$rc" ;;
    esac
  ) &
  i=$((i+1))
  if [ "$i" -ge "$k" ]; then wait; i=0; fi
done
wait
"""


def _matrix_answers(text: str) -> dict[str, tuple[str, str]]:
    out = {}
    for line in text.splitlines():
        if line.startswith("@@"):
            parts = line[2:].rsplit("|", 2)
            if len(parts) == 3:
                out[parts[0]] = (parts[1], parts[2])
    return out


def _float(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
