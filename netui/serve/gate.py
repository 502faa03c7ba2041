"""The session cap of `netui serve`: at most N app processes, however many browsers come.

A visitor's page load reserves a place (a ticket, valid TICKET_TTL seconds); the page's
websocket then claims it and holds it until its app process has exited. So the
visitor who is turned away is told so on the page itself, and a page that was
served always gets its session. A websocket without a valid ticket (an expired
page, a reload of an old one) gets a place only if one is free.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

TICKET_TTL = 10.0  # a page opens its websocket within a second or two; a prefetch holds a place no longer


class SessionGate:
    def __init__(self, limit: int, *, ttl: float = TICKET_TTL, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1:
            raise ValueError("the session limit is at least 1")
        self.limit = limit
        self.ttl = ttl
        self._clock = clock
        self._pending: dict[str, float] = {}  # ticket -> when it expires
        self.active = 0

    def _purge(self) -> None:
        now = self._clock()
        for ticket in [t for t, until in self._pending.items() if until <= now]:
            del self._pending[ticket]

    @property
    def in_use(self) -> int:
        """Places taken: running sessions and pages whose websocket is still to come."""
        self._purge()
        return self.active + len(self._pending)

    def reserve(self) -> str | None:
        """A ticket for a page about to open a session, or None when every place is taken."""
        if self.in_use >= self.limit:
            return None
        ticket = secrets.token_urlsafe(18)
        self._pending[ticket] = self._clock() + self.ttl
        return ticket

    def claim(self, ticket: str | None) -> bool:
        """Start a session: with its page's ticket, or on a free place. False when full."""
        self._purge()
        if ticket and self._pending.pop(ticket, None) is not None:
            self.active += 1
            return True
        if self.active + len(self._pending) < self.limit:
            self.active += 1
            return True
        return False

    def release(self) -> None:
        """A session's process has exited."""
        if self.active <= 0:
            raise RuntimeError("released more sessions than were claimed")
        self.active -= 1
