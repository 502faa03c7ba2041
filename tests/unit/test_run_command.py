"""The Command field of `R` (issue 9 item 11): an empty command is allowed, with what it means."""

from __future__ import annotations

from netui.engine.specs import RunSpec, blocking
from netui.engine.validation import validate_run
from tests.unit.formdata import SNAP, SUBNET, problems


def test_an_empty_command_warns_that_the_container_may_stop_at_once():
    errors = validate_run(RunSpec("subnet", command="", network_id=SUBNET.id), SNAP)
    assert blocking(errors) == [] and "/bin/sh, which ends at once" in problems(errors, "warning")
    assert validate_run(RunSpec("subnet", command="sleep 86400", network_id=SUBNET.id), SNAP) == []
