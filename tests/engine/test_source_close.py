"""An event stream opened while the app quits is closed at once (it would hold the exit)."""

from __future__ import annotations

import pytest

from netui.engine.client import EngineError
from netui.engine.source import EngineSource

pytestmark = pytest.mark.engine


def test_events_opened_after_close_are_closed_and_refused(engine):
    source = EngineSource(engine.host or None)
    source.connect()
    first = source.open_events()
    assert source.open_streams == 1
    source.close()
    assert source.open_streams == 0 and list(first) == []  # closed: the iterator ends at once
    with pytest.raises(EngineError, match="closing"):
        source.open_events()  # the worker that was already on its way in
    assert source.open_streams == 0
