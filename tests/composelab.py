"""Compose projects for tests: `docker-compose up` of tests/data/compose under a project
name carrying the test's prefix (so the lab's teardown finds what compose made, by
name and label), brought down again at the end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netui.engine.compose_run import ComposeDownSpec, ComposeUpSpec, find_compose, run

COMPOSE_FILE = Path(__file__).parent / "data" / "compose" / "docker-compose.yml"


def compose_tool() -> tuple[str, ...]:
    tool = find_compose()
    if tool is None:
        message = "no compose CLI (apt-get install docker-compose; `make test` installs it)"
        if os.environ.get("NETUI_REQUIRE_ENGINE", "") not in ("", "0"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return tool.argv


class ComposeLab:
    def __init__(self, lab) -> None:
        self.lab = lab
        self.tool = compose_tool()
        self.up_projects: list[str] = []

    def up(self, short: str) -> str:
        """Bring up the test project as <lab prefix><short>; returns the project name."""
        project = self.lab.name(short)
        self.up_projects.append(project)
        run(ComposeUpSpec(project, str(COMPOSE_FILE), self.tool))
        return project

    def down(self, project: str) -> None:
        run(ComposeDownSpec(project, str(COMPOSE_FILE), self.tool))

    def close(self) -> None:
        for project in self.up_projects:
            try:
                self.down(project)
            except Exception:
                pass  # the lab's teardown removes what is left (label and prefix)


@pytest.fixture
def compose_lab(lab):
    cl = ComposeLab(lab)
    try:
        yield cl
    finally:
        cl.close()
