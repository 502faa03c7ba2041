"""The connectivity matrix: every ordered pair of a network's members, pinged from
inside the source's network stack, with verdicts that hold on a busy machine.

How a run goes:

1. `matrix_members` decides who is in the table (one rule, used by the engine and
   the screen): running and paused members; a paused one is tested as a target
   only (its kernel answers ping; nothing runs in it). A container sharing
   another's stack (network_mode container:<x>) is x's endpoint, not a second
   one: it is a note on x. netui's probe containers are never members.
2. A first pass: one exec per source (MATRIX_SCRIPT), its pings side by side,
   a few sources at a time.
3. Every negative answer ("no reply", "name not resolved", "isolated", or no
   answer at all) is tried again, with fewer pings in flight, before it is
   reported: a verdict of "no reply" needs a clean second look.
4. How hard it pushes adapts (`Pace`): from the engine's CPU count, backing
   off when probes come back slow or fail in bulk, speeding up again when calm.

What makes answers unreliable at scale, measured: a 50-container network needs
50 × 49 = 2450 neighbour (ARP) entries for all pairs, but the kernel keeps at
most net.ipv4.neigh.default.gc_thresh3 (1024 by default) for the whole host,
and an entry that was just confirmed cannot be reclaimed for 15-45 s. Past
that, new neighbours fail ("neighbour table overflow" in the kernel log) and
pings go unanswered, for netui and for any other traffic on the host. When the
engine runs on this machine, netui reads the kernel's own overflow counter and
never reports an answer given while it was rising; elsewhere, it retries until
a round recovers nothing.

Stopping a member during a run: its pending pairs are cancelled and it is
reported once ("stopped during the run"), not as rows of timeouts.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.model import Container, Network, Snapshot
from netui.engine.probe_plan import address_of, names_of
from netui.engine.probes import Cancelled, ProbeError, Runner, SourceStopped

if TYPE_CHECKING:
    from netui.engine.probes import Prober

from netui.engine.matrix_plan import (
    CHUNK,
    MATRIX_SCRIPT,
    MAX_ROUNDS,
    NEGATIVE,
    OK,
    Cell,
    MatrixResult,
    Pace,
    _float,
    _matrix_answers,
    matrix_members,
    parse_arp_cache,
)


# -- the host kernel's neighbour table --------------------------------------------------------
class NeighbourWatch:
    """The kernel's neighbour (ARP) table counters, when the engine runs on this
    machine: /proc/net/stat/arp_cache (only the host's own namespace has it) and
    net.ipv4.neigh.default.gc_thresh3."""

    STAT = "/proc/net/stat/arp_cache"
    THRESH = "/proc/sys/net/ipv4/neigh/default/gc_thresh3"

    def __init__(self, engine: Engine) -> None:
        from netui.engine.hostnet import engine_is_local

        self.available = engine_is_local(engine.info) and self.read() is not None
        self.thresh3 = self._thresh3() if self.available else None

    def read(self) -> tuple[int, int] | None:
        """(entries, table overflows so far), or None if unreadable."""
        try:
            with open(self.STAT) as f:
                return parse_arp_cache(f.read())
        except OSError:
            return None

    def overflows(self) -> int:
        got = self.read() if self.available else None
        return got[1] if got else 0

    def _thresh3(self) -> int | None:
        try:
            with open(self.THRESH) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None



# -- one run ------------------------------------------------------------------------------------
@dataclass(eq=False)
class _Pair:
    a: Container
    b: Container
    how: str  # name | by IP | by IP (no DNS) | isolated
    token: str
    shown: str  # what is pinged: the name or the address
    negatives: int = 0
    last: str = ""  # the last negative answer
    tainted: bool = False  # its last answer came while the neighbour table overflowed
    tries: int = 0


class MatrixRun:
    def __init__(self, prober: Prober, snap: Snapshot, network: Network, extra: Network | None, *, workers: int,
                 cancel: threading.Event, on_cell: Callable[[Cell, int, int], None] | None) -> None:
        self.prober = prober
        self.engine: Engine = prober.engine
        self.snap = snap
        self.network = network
        self.chosen = matrix_members(snap, network, extra)
        self.cancel = cancel
        self.on_cell = on_cell
        self.cells: dict[tuple[str, str], Cell] = {}
        self.notes: dict[str, str] = dict(self.chosen.notes)
        self.total = self.chosen.pairs
        self.lock = threading.Lock()
        self.runners: dict[str, Runner] = {}
        self.pending: dict[str, list[_Pair]] = {}
        self.watch = NeighbourWatch(self.engine)
        self.pace = Pace(self._cpus(), workers)
        self.stopped: set[str] = set()
        self.retried = 0
        self.recovered = 0
        self.recovered_now = 0
        self.overflowed = 0

    def _cpus(self) -> int:
        try:
            return max(1, int(self.engine.call(self.engine.api.info).get("NCPU") or 0))
        except (EngineError, TypeError, ValueError):
            return os.cpu_count() or 1

    # -- reporting ---------------------------------------------------------------------------
    def _final(self, cell: Cell, pair: _Pair | None = None) -> None:
        with self.lock:
            if pair is not None:
                lst = self.pending.get(pair.a.id)
                if lst is not None and pair in lst:
                    lst.remove(pair)
            if cell.source in self.stopped or cell.target in self.stopped:
                return
            self.cells[(cell.source, cell.target)] = cell
            n, total = len(self.cells), self.total
        if self.on_cell is not None:
            self.on_cell(cell, n, total)

    def _member_stopped(self, c: Container, state: str) -> None:
        """Report it once; cancel its pairs not answered yet (from it and to it)."""
        with self.lock:
            if c.id in self.stopped:
                return
            self.stopped.add(c.id)
            dropped = 0
            for pairs in self.pending.values():
                keep = [p for p in pairs if c.id not in (p.a.id, p.b.id)]
                dropped += len(pairs) - len(keep)
                pairs[:] = keep
            self.total -= dropped
            word = {"paused": "paused", "removed": "removed"}.get(state, "stopped")
            text = f"{word} during the run: {dropped} untested pairs cancelled"
            self.notes[c.id] = text
            n, total = len(self.cells), self.total
        if self.on_cell is not None:
            self.on_cell(Cell(c.id, "", "stopped", text), n, total)

    # -- planning ----------------------------------------------------------------------------
    def _plan(self, a: Container) -> list[_Pair]:
        snap = self.snap
        a_nets = {n.id for n in snap.networks_of(a)}
        out = []
        for b in self.chosen.members:
            if b.id == a.id:
                continue
            shared = [n for n in snap.networks_of(b) if n.id in a_nets]
            if any(b.name in names_of(snap, b, n) for n in shared):
                out.append(_Pair(a, b, "name", f"n:{b.name}", b.name))
                continue
            ip = address_of(snap, b, shared[0] if shared else None)
            if ip is None:
                self._final(Cell(a.id, b.id, "error", "no IP to test"))
                continue
            how = "isolated" if not shared else ("by IP (no DNS)" if not shared[0].has_dns else "by IP")
            out.append(_Pair(a, b, how, f"i:{ip}#{b.id}", ip))
        return out

    # -- running ---------------------------------------------------------------------------
    def run(self) -> MatrixResult:
        t0 = time.monotonic()
        fulls = self.watch.overflows()
        self.pending = {a.id: self._plan(a) for a in self.chosen.sources}
        rounds = 0
        pool = ThreadPoolExecutor(max_workers=self.pace.max_workers)
        try:
            for rnd in range(MAX_ROUNDS):
                if rnd:
                    self._check_members()
                with self.lock:
                    todo = [list(p) for p in self.pending.values() if p]
                if not todo or self.cancel.is_set():
                    break
                rounds = rnd + 1
                if rnd == 1:
                    self.retried = sum(len(p) for p in todo)
                self.recovered_now = 0
                for f in [pool.submit(self._row, pairs, rnd) for pairs in self._tasks(todo)]:
                    f.result()
                if self.cancel.is_set():
                    break
                self.recovered += self.recovered_now
                if rnd:
                    self._check_members()  # a target that stopped meanwhile is no "no reply"
                self._settle(rnd)
                if any(self.pending.values()):
                    self.cancel.wait(self._pause_before(rnd + 1))
            if not self.cancel.is_set():
                # Still undecided after every round: say so, never "no reply".
                for pairs in list(self.pending.values()):
                    for p in list(pairs):
                        why = ("no verdict: the host's neighbour table stayed full" if p.tainted
                               else "no verdict: no clean answer in time")
                        self._final(Cell(p.a.id, p.b.id, "error", why), p)
        finally:
            pool.shutdown(wait=True)
            for r in self.runners.values():
                r.close()
        overflow = ""
        self.overflowed = self.watch.overflows() - fulls if self.watch.available else 0
        if self.overflowed:
            limit = f"{self.watch.thresh3} entries" if self.watch.thresh3 else "a limited number of entries"
            n = len(self.chosen.members)
            overflow = (f"the kernel's neighbour (ARP) table was full {self.overflowed} times during the run: it holds "
                        f"{limit} for the whole host (net.ipv4.neigh.default.gc_thresh3), all pairs here need up to "
                        f"{n * max(0, n - 1)}, and a fresh entry cannot be reclaimed for 15-45 s; answers given "
                        "meanwhile were tried again, never reported")
        return MatrixResult(self.network.name, self.chosen.members, dict(self.cells), time.monotonic() - t0,
                            self.cancel.is_set(), dict(self.notes), self.chosen.left_out, self.total,
                            self.retried, self.recovered, overflow, rounds, self.overflowed)

    def _tasks(self, todo: list[list[_Pair]]) -> list[list[_Pair]]:
        """The round's work, one source and some targets per task, in an order that keeps
        the neighbour entries in use few: members in blocks, and for each pair of blocks
        every source of one pinging the other, both ways side by side (a→b and b→a share
        their two entries). Few members: one task per source."""
        n = len(self.chosen.members)
        cap = self.watch.thresh3 or 1024
        size = n if n * (n - 1) <= cap // 2 else max(4, int(math.sqrt(cap / 8)))
        index = {c.id: i // size for i, c in enumerate(self.chosen.members)}
        groups: dict[tuple[int, int], dict[str, list[_Pair]]] = {}
        for pairs in todo:
            for p in pairs:
                x, y = index[p.a.id], index[p.b.id]
                groups.setdefault((min(x, y), max(x, y)), {}).setdefault(p.a.id, []).append(p)
        return [ps for key in sorted(groups, key=lambda k: (k[1], k[0])) for ps in groups[key].values()]

    def _pause_before(self, rnd: int) -> float:
        """Before a confirmation round: none after a calm first pass; after trouble, time
        for the kernel to reclaim neighbour entries, longer each round."""
        if rnd == 1 and not self.pace.troubles:
            return 0.0
        return min(8.0, float(2 ** (rnd - 1)))

    def _runner(self, a: Container) -> Runner:
        with self.lock:
            r = self.runners.get(a.id)
            if r is None:
                p = self.prober
                r = self.runners[a.id] = Runner(self.engine, a, p.probe_image, p.sidecars, self.cancel, p.allow_sidecars)
            return r

    def _row(self, pairs: list[_Pair], rnd: int) -> None:
        """One source's pairs for this round, a chunk per exec."""
        a = pairs[0].a
        count = 1 if rnd == 0 else 2
        i = 0
        while i < len(pairs) and not self.cancel.is_set() and a.id not in self.stopped:
            if not self.pace.acquire(self.cancel):
                return
            try:
                n = self.pace.take(min(CHUNK, len(pairs) - i), self.cancel)
                if not n:
                    return
                chunk = [p for p in pairs[i:i + n] if p.b.id not in self.stopped]
                i += n
                if chunk:
                    self._exec(a, chunk, rnd, count)
            except SourceStopped as exc:
                self._member_stopped(a, exc.state)
                return
            except Cancelled:
                return
            except (ProbeError, EngineError) as exc:
                # Nothing can run from here (read-only and no tools, no such image…): say why, once per pair.
                for p in pairs:
                    self._final(Cell(p.a.id, p.b.id, "error", str(exc)[:80]), p)
                return
            finally:
                self.pace.release()

    def _exec(self, a: Container, chunk: list[_Pair], rnd: int, count: int) -> None:
        runner = self._runner(a)
        per_exec = self.pace.per_exec if rnd == 0 else max(4, self.pace.per_exec // 2)  # confirming: fewer at once
        k = max(1, min(len(chunk), per_exec))
        batches = math.ceil(len(chunk) / k)
        timeout = batches * (3.0 + (count - 1) * 0.3) + 1.0
        fulls = self.watch.overflows()
        t0 = time.monotonic()
        answers: dict[str, tuple[str, str]] = {}
        method = ""
        timed_out = False
        for p in chunk:
            p.tries += 1
        try:
            _, text, method, _ = runner.run(
                ["sh", "-c", MATRIX_SCRIPT, "netui-matrix", str(k), str(count), *(p.token for p in chunk)], timeout)
            answers = _matrix_answers(text)
            # "unsafe": its resolver is not Docker's alone: no name lookups there; by IP instead.
            unsafe = [p for p in chunk if answers.get(p.token, ("",))[0] == "unsafe"]
            for p in unsafe:
                a_nets = {x.id for x in self.snap.networks_of(a)}
                shared = [n for n in self.snap.networks_of(p.b) if n.id in a_nets]
                ip = address_of(self.snap, p.b, shared[0] if shared else None)
                if ip is None:
                    self._final(Cell(a.id, p.b.id, "error", "no IP to test", method=method), p)
                else:
                    p.how, p.token, p.shown = "by IP", f"i:{ip}#{p.b.id}", ip
            again = [p for p in unsafe if p.token.startswith("i:")]
            if again:
                _, text, method, _ = runner.run(
                    ["sh", "-c", MATRIX_SCRIPT, "netui-matrix", str(k), str(count), *(p.token for p in again)], timeout)
                answers.update(_matrix_answers(text))
        except FutureTimeout:
            timed_out = True  # what answered is lost with it: those pairs are tried again
        elapsed = time.monotonic() - t0
        grew = self.watch.overflows() - fulls if self.watch.available else 0
        failures = checked = 0
        for p in chunk:
            status, value = answers.get(p.token, ("", ""))
            if p.how != "isolated":
                checked += 1
            if status == OK:
                if p.negatives:
                    with self.lock:
                        self.recovered_now += 1
                cmd = runner.equivalent(["ping", "-c", str(count), "-W", "1", p.shown], method or "exec")
                self._final(self._ok_cell(p, _float(value), method, cmd), p)
            elif status in NEGATIVE:
                p.negatives += 1
                p.last = status
                p.tainted = grew > 0
                if p.how != "isolated":
                    failures += 1
            # no answer at all (timed out, killed): it stays pending, tried again
        self.pace.done(sum(1 for p in chunk if p.tries and p not in self.pending.get(a.id, ())))
        if timed_out or elapsed > batches * (1.0 + (count - 1) * 0.3) + 2.0:
            self.pace.slow()
        if grew > 0 or (not self.watch.available and checked and failures / checked > 0.25):
            self.pace.overloaded()
        elif not timed_out:
            self.pace.calm(len(chunk))

    def _ok_cell(self, p: _Pair, rtt: float | None, method: str, cmd: str) -> Cell:
        ms = f" {rtt:.2f} ms" if rtt is not None else ""
        if p.how == "isolated":
            return Cell(p.a.id, p.b.id, "leak", "REACHABLE (no shared network)", rtt, method, cmd)
        if p.b.state == "paused":
            return Cell(p.a.id, p.b.id, "paused", f"paused, ping{ms or ' ok'}", rtt, method, cmd)
        if p.how == "name":
            return Cell(p.a.id, p.b.id, OK, f"ok{ms}", rtt, method, cmd)
        return Cell(p.a.id, p.b.id, "by-ip", f"{p.how}{ms}", rtt, method, cmd)

    def _settle(self, rnd: int) -> None:
        """After a round: which negative answers are verdicts now."""
        if rnd == 0:
            return  # every negative of the first pass is looked at again
        for pairs in list(self.pending.values()):
            for p in list(pairs):
                if p.negatives < 2 or p.tainted:
                    continue  # not confirmed yet, or answered while the kernel dropped neighbours
                # Negative again with fewer pings in flight. Where the kernel's counters
                # are visible, an answer given without overflow is enough; elsewhere,
                # only once a round brought nothing back (or after the third).
                if self.watch.available or self.recovered_now == 0 or rnd >= 3:
                    self._final(self._negative_cell(p), p)

    def _negative_cell(self, p: _Pair) -> Cell:
        cmd = self._runner(p.a).equivalent(["ping", "-c", "2", "-W", "1", p.shown], "exec")
        tries = f" ({p.negatives} tries)"
        if p.how == "isolated":
            return Cell(p.a.id, p.b.id, "isolated", "isolated", method="exec", command=cmd)
        if p.last == "noname":
            return Cell(p.a.id, p.b.id, "no-name", "name not resolved" + tries, method="exec", command=cmd)
        return Cell(p.a.id, p.b.id, "no-reply", "no reply" + tries, method="exec", command=cmd)

    def _check_members(self) -> None:
        """Before trying again: a member that stopped (or was paused, or removed) since
        the run began is reported once and its pairs cancelled."""
        with self.lock:
            ids = {p.b.id for ps in self.pending.values() for p in ps} | {sid for sid, ps in self.pending.items() if ps}
        by_id = {c.id: c for c in self.chosen.members}
        for cid in ids - self.stopped:
            was = by_id[cid].state
            try:
                state = self.engine.call(self.engine.api.inspect_container, cid).get("State") or {}
                now = "paused" if state.get("Paused") else ("running" if state.get("Running") else str(state.get("Status") or "exited"))
            except NotFound:
                now = "removed"
            except EngineError:
                continue
            if now != "running" and not (now == "paused" and was == "paused"):
                if now == "paused":
                    # A paused target still answers ping; a paused source can run nothing.
                    if any(self.pending.get(cid, ())):
                        self._member_stopped(by_id[cid], "paused")
                    continue
                self._member_stopped(by_id[cid], now)


# The matrix's per-source script. It is constant: targets arrive as its arguments,
# never in the script text. Arguments: how many pings at a time, pings per target,
# then the targets: "n:<name>" pings by name, only for running containers that share
# a DNS network with the source (so the embedded DNS knows them and forwards
# nothing), and only when every nameserver in the container's resolv.conf is
# Docker's embedded DNS; "i:<ip>#<id>" pings an address. One line per target:
# @@<token>|ok|<ms> | noname | noreply | unsafe.
