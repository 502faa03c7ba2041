"""The matrix's verdicts on a real engine: a negative answer is looked at again before
it is reported, and a member stopped during the run is reported once, its untested
pairs cancelled, instead of rows of timeouts."""

from __future__ import annotations

import pytest

import netui.engine.probes as probes
from netui.engine.probes import Prober
from netui.engine.topology import TopologyReader

pytestmark = pytest.mark.engine

NEGATIVE = ("no-reply", "no-name", "timeout", "error", "isolated")


def test_a_negative_answer_is_confirmed_before_it_is_reported(engine, lab, monkeypatch):
    """A target away for the first look (disconnected, back right after): the first answer
    is "name not resolved", a transient one; the matrix must not report it."""
    nid = lab.network("flaky")
    ids = [lab.container(f"m{i}", lab.image, networks=[lab.name("flaky")]) for i in range(4)]
    away = ids[-1]
    snap = TopologyReader(engine).read()
    net = snap.network_by_id[nid]
    engine.api.disconnect_container_from_network(away, nid)
    back = {"done": False}
    real_run = probes.Runner.run

    def run(self, argv, timeout):
        out = real_run(self, argv, timeout)
        if argv[0] == "sh" and not back["done"]:
            back["done"] = True  # the first exec has answered (without `away`): it returns
            engine.api.connect_container_to_network(away, nid)
        return out

    monkeypatch.setattr(probes.Runner, "run", run)
    m = Prober(engine).matrix(snap, net, workers=1)
    assert back["done"]
    bad = {k: c for k, c in m.cells.items() if c.status != "ok"}
    assert not bad, bad
    assert len(m.cells) == m.total == 12
    assert m.retried >= 1 and m.recovered >= 1  # the first look's answer was tried again, and answered


def test_a_member_stopped_during_the_run_is_reported_once(engine, lab):
    nid = lab.network("stop")
    ids = [lab.container(f"m{i}", lab.image, networks=[lab.name("stop")]) for i in range(6)]
    snap = TopologyReader(engine).read()
    net = snap.network_by_id[nid]
    members = [c.id for c in sorted((snap.container_by_id[i] for i in ids), key=lambda c: c.name)]
    victim = members[-1]  # its own row comes last
    seen = []

    def on_cell(cell, n, total):
        seen.append((cell, n, total))
        if len(seen) == 1:
            engine.api.kill(victim)  # from the first answer on, it is gone

    m = Prober(engine).matrix(snap, net, workers=1, on_cell=on_cell)
    notes = [c for c, _, _ in seen if not c.target]
    assert [c.source for c in notes] == [victim] and notes[0].status == "stopped"  # once
    assert "stopped during the run" in m.notes[victim]
    assert not [c for c in m.cells.values() if c.status in NEGATIVE], m.cells  # no rows of timeouts, no "no reply"
    assert not any(victim == a for a, _ in m.cells)  # its own row never ran
    assert len(m.cells) == m.total < 30 and seen[-1][2] == m.total
    assert not m.cancelled
