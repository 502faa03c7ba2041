"""The explorer's filter: which networks and containers match what the user typed.

A query is one or more words; an item matches when every word is found
(case-insensitively) in its name, id, driver, subnet, gateway, IP, MAC,
alias / DNS name, label key or value, or compose project. A word that is an IP
address also matches the networks whose subnet contains it. `project:NAME` and
`service:NAME` match a compose project or service by its exact name (the networks
compose made for the project, and the project's containers wherever they are).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from netui.engine.model import Member, Network, Snapshot
from netui.engine.swarm import ExtraRow, extra_rows


@dataclass(frozen=True)
class Query:
    text: str = ""

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(w.casefold() for w in self.text.split())

    def __bool__(self) -> bool:
        return bool(self.words)




QUALIFIERS = ("project:", "service:")


def _qualified(word: str) -> tuple[str, str] | None:
    for q in QUALIFIERS:
        if word.startswith(q):
            return q[:-1], word[len(q):]
    return None


def _network_word(word: str, n: Network) -> bool:
    q = _qualified(word)
    if q is None:
        return word in n.search_text or _word_in_subnet(word, n)
    kind, name = q
    return kind == "project" and n.compose_project.casefold() == name


def _member_word(word: str, m: Member) -> bool:
    q = _qualified(word)
    c = m.container
    if q is None:
        return word in c.search_text or (m.endpoint is not None and word in m.endpoint.search_text)
    kind, name = q
    return (c.compose_project if kind == "project" else c.compose_service).casefold() == name


def _word_in_subnet(word: str, n: Network) -> bool:
    try:
        ipaddress.ip_address(word)
    except ValueError:
        return False
    return n.contains(word)


def network_matches_itself(q: Query, n: Network) -> bool:
    return all(_network_word(w, n) for w in q.words)


def member_matches(q: Query, m: Member) -> bool:
    """A word matches the container or its address/names on this network."""
    return all(_member_word(w, m) for w in q.words)


def visible_networks(snap: Snapshot, q: Query) -> tuple[Network, ...]:
    """Networks that match, themselves or through one of their containers."""
    if not q:
        return snap.networks
    return tuple(
        n for n in snap.networks
        if network_matches_itself(q, n) or any(member_matches(q, m) for m in snap.members(n.id))
        or (snap.swarm is not None and any(all(w in r.search_text for w in q.words)
                                           for r in extra_rows(snap.swarm, n.id, n.name, n.scope, snap.container_by_id)))
    )


def visible_members(snap: Snapshot, network: Network, q: Query) -> tuple[Member, ...]:
    """A network's containers under the filter: those that match; if none
    does, all of them when the network itself matches (by name, subnet…)."""
    members = snap.members(network.id)
    if not q:
        return members
    matching = tuple(m for m in members if member_matches(q, m))
    if matching or not network_matches_itself(q, network):
        return matching
    return members


def visible_extras(snap: Snapshot, network: Network, q: Query) -> tuple[ExtraRow, ...]:
    """What a network holds beside this engine's containers (swarm: other nodes' tasks,
    the network's own endpoints; docker_gwbridge: gateway interfaces), under the filter."""
    rows = extra_rows(snap.swarm, network.id, network.name, network.scope, snap.container_by_id)
    if not q or not rows:
        return rows
    matching = tuple(r for r in rows if all(w in r.search_text for w in q.words))
    if matching or not network_matches_itself(q, network):
        return matching
    return rows
