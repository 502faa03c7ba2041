"""How the explorer looks, at 80x24 and 160x48, on a topology recorded from a real engine
(tests/data/topology.json, made by scripts/record_topology.py). Update with --snapshot-update
after checking the new SVGs by eye."""

from __future__ import annotations

import pytest

from tests.helpers import loaded, replay_app

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


async def _select(pilot, network: str) -> None:
    await loaded(pilot)
    table = pilot.app.explorer.networks
    key = next(n.id for n in pilot.app.snapshot.networks if n.name == network)
    table.select_key(key)
    await pilot.pause(0.1)


@pytest.mark.parametrize("size", SIZES)
def test_main_view(snap_compare, size):
    assert snap_compare(replay_app(), terminal_size=size, run_before=loaded)


@pytest.mark.parametrize("size", SIZES)
def test_filtered_view(snap_compare, size):
    assert snap_compare(replay_app(), press=["slash", *"shop", "enter"], terminal_size=size, run_before=loaded)


@pytest.mark.parametrize("size", SIZES)
def test_container_details(snap_compare, size):
    async def before(pilot):
        await _select(pilot, "rec-shop_default")

    assert snap_compare(replay_app(), press=["enter", "j", "enter"], terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, size):
    assert snap_compare(replay_app(), press=["question_mark"], terminal_size=size, run_before=loaded)


def test_hostile_strings_render_literally(snap_compare):
    async def before(pilot):
        await _select(pilot, "rec-[b]x[/b]")

    assert snap_compare(replay_app(), press=["enter"], terminal_size=(160, 48), run_before=before)


def test_light_theme(snap_compare):
    assert snap_compare(replay_app(theme="textual-light"), terminal_size=(160, 48), run_before=loaded)
