"""What the doctor reports: findings, their subjects, and the fix as docker commands.

Plain data, shared by the checks (checks.py), the "why not?" of a probe
(whynot.py), the command line (report.py) and the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netui.engine.model import Container, Network
from netui.engine.specs import command_text

INFO, WARNING, PROBLEM = "info", "warning", "problem"
SEVERITIES = (PROBLEM, WARNING, INFO)  # worst first
RANK = {PROBLEM: 2, WARNING: 1, INFO: 0}


@dataclass(frozen=True)
class Subject:
    """A network or a container a finding is about."""

    kind: str  # network | container
    id: str
    name: str

    @classmethod
    def of(cls, obj: Network | Container) -> Subject:
        return cls("network" if isinstance(obj, Network) else "container", obj.id, obj.name)

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id, "name": self.name}


@dataclass(frozen=True)
class Fix:
    """The fix, as the docker commands that make it (in order).

    `specs` are the same commands as netui performs them (Actions.perform): set only
    where the fix is safe and reversible (connecting a container to a network), so the
    UI offers it as one key. `undo` are the specs that take it back. Everything else
    is shown, never done (re-creating a container, removing a network)."""

    commands: tuple[tuple[str, ...], ...]
    note: str = ""
    specs: tuple[Any, ...] = ()
    undo: tuple[Any, ...] = ()

    @property
    def applicable(self) -> bool:
        return bool(self.specs)

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(command_text(c) for c in self.commands)

    def as_dict(self) -> dict[str, Any]:
        return {"commands": list(self.lines), "note": self.note, "one_key": self.applicable}


@dataclass(frozen=True)
class Finding:
    check: str  # stable id, e.g. "port-all-interfaces"
    severity: str  # info | warning | problem
    title: str  # one line: what is wrong, with names
    subjects: tuple[Subject, ...]
    explanation: str  # two or three sentences that teach the concept
    evidence: tuple[str, ...] = ()
    fix: Fix | None = None
    key: str = field(default="", compare=True)  # stable identity across snapshots (for the UI's cursor)

    @property
    def ident(self) -> str:
        return self.key or f"{self.check}:" + ",".join(s.id for s in self.subjects)

    @property
    def rank(self) -> int:
        return RANK.get(self.severity, 0)

    @property
    def networks(self) -> tuple[Subject, ...]:
        return tuple(s for s in self.subjects if s.kind == "network")

    @property
    def containers(self) -> tuple[Subject, ...]:
        return tuple(s for s in self.subjects if s.kind == "container")

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "title": self.title,
            "subjects": [s.as_dict() for s in self.subjects],
            "explanation": self.explanation,
            "evidence": list(self.evidence),
            "fix": self.fix.as_dict() if self.fix is not None else None,
        }


def worst_first(findings: list[Finding] | tuple[Finding, ...]) -> list[Finding]:
    """Problems, then warnings, then infos; within a severity by check, then title."""
    return sorted(findings, key=lambda f: (-f.rank, f.check, f.title))


def counts(findings: list[Finding] | tuple[Finding, ...]) -> dict[str, int]:
    out = {s: 0 for s in SEVERITIES}
    for f in findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out


def exit_code(findings: list[Finding] | tuple[Finding, ...]) -> int:
    """0 when nothing is above info, 1 with a warning or a problem."""
    return 1 if any(f.rank > 0 for f in findings) else 0
