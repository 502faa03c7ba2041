"""The explorer against a real engine, driven with Pilot."""

from __future__ import annotations

import pytest

from netui.ui.screens.help_screen import HelpScreen
from tests.helpers import live_app, loaded, screen_text, select_network, wait_for
from tests.sockproxy import SocketProxy

pytestmark = pytest.mark.engine


def network_id(engine, name: str) -> str:
    return engine.api.inspect_network(name)["Id"]


async def test_networks_shown_are_the_engines(engine, lab):
    lab.network("shown")
    app = live_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: lab.networks[0] in app.explorer.networks.keys, what="the test network")
        engine_ids = {n["Id"] for n in engine.api.networks()}
        assert set(app.explorer.networks.keys) == engine_ids
        assert app.state == "live"


async def test_selecting_a_network_shows_its_containers_and_ports(engine, lab):
    nid = lab.network("sel", subnet="10.231.20.0/24")
    a = lab.container("a", lab.image, ["httpd", "-f", "-p", "80"], networks=[(lab.name("sel"), ["web"])], ports={"80/tcp": ("127.0.0.1", None)})
    b = lab.container("b", lab.image, networks=[lab.name("sel")])
    app = live_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: nid in app.explorer.networks.keys)
        assert app.explorer.networks.select_key(nid)
        await wait_for(pilot, lambda: set(app.explorer.containers.keys) == {a, b}, what="the network's containers")
        # Aliases come from the second half of a read (the inspects).
        await wait_for(pilot, lambda: "web" in app.explorer.containers.cells(a)[5].plain, what="the alias")
        row = dict(zip([c.key for c in app.explorer.containers.COLUMNS], app.explorer.containers.cells(a)))
        ip = engine.api.inspect_container(a)["NetworkSettings"]["Networks"][lab.name("sel")]["IPAddress"]
        assert row["ipv4"].plain == f"{ip}/24"
        assert "web" in row["names"].plain and lab.name("a") in row["names"].plain
        port = engine.api.port(a, 80)[0]
        await wait_for(pilot, lambda: len(app.explorer.ports.keys) == 1, what="one published port")
        cells = app.explorer.ports.cells(app.explorer.ports.keys[0])
        assert cells[0].plain == f"127.0.0.1:{port['HostPort']}" and cells[1].plain == "80/tcp"
        # Enter drills in: containers, then that container's details.
        app.explorer.networks.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.focused is app.explorer.containers)
        app.explorer.containers.select_key(b)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.explorer.details.subject == ("container", b), what="details of b")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is app.explorer.containers)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is app.explorer.networks)


async def test_outside_changes_appear_without_a_key_press(engine, lab):
    base = lab.network("base")
    app = live_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: base in app.explorer.networks.keys)
        app.explorer.networks.select_key(base)
        # docker network create, from "another terminal"
        new = lab.network("created-outside")
        await wait_for(pilot, lambda: new in app.explorer.networks.keys, what="the new network")
        # docker run + docker network connect
        cid = lab.container("joiner", lab.image)
        engine.api.connect_container_to_network(cid, base, aliases=["late"])
        await wait_for(pilot, lambda: cid in app.explorer.containers.keys, what="the connected container")
        await wait_for(pilot, lambda: "late" in app.explorer.containers.cells(cid)[5].plain, what="its alias")
        # docker network disconnect
        engine.api.disconnect_container_from_network(cid, base)
        await wait_for(pilot, lambda: cid not in app.explorer.containers.keys, what="the disconnected container to go")
        # docker network rm
        engine.api.remove_network(new)
        await wait_for(pilot, lambda: new not in app.explorer.networks.keys, what="the removed network to go")
        assert app.stats["events"] > 0


async def test_cursor_and_selection_survive_refreshes(engine, lab):
    nid = lab.network("mmm-keep")
    cids = [lab.container(f"c{i}", lab.image, networks=[lab.name("mmm-keep")]) for i in range(3)]
    app = live_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await select_network(pilot, nid)
        await wait_for(pilot, lambda: set(app.explorer.containers.keys) == set(cids))
        app.explorer.containers.focus()
        app.explorer.containers.select_key(cids[1])
        await pilot.pause(0.1)
        # A network that sorts above ours, a container that sorts above ours: rows move.
        first = lab.network("aaa-above")
        other = lab.container("a-first", lab.image, networks=[lab.name("mmm-keep")])
        await wait_for(pilot, lambda: first in app.explorer.networks.keys and other in app.explorer.containers.keys)
        assert app.explorer.networks.current_key == nid
        assert app.explorer.containers.current_key == cids[1]
        await wait_for(pilot, lambda: app.explorer.details.subject == ("container", cids[1]), what="details follow the cursor")
        assert app.focused is app.explorer.containers
        await pilot.press("r")
        await pilot.pause(0.5)
        assert app.explorer.networks.current_key == nid and app.explorer.containers.current_key == cids[1]


async def test_filter_and_escape(engine, lab):
    keep = lab.network("filtered-net")
    lab.container("needle", lab.image, networks=[lab.name("filtered-net")])
    app = live_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: keep in app.explorer.networks.keys)
        await pilot.press("slash", *lab.name("needle"))
        await wait_for(pilot, lambda: app.explorer.networks.keys == [keep], what="only the needle's network")
        assert [app.snapshot.container_by_id[k].name for k in app.explorer.containers.keys] == [lab.name("needle")]
        await pilot.press("enter")
        assert app.focused is app.explorer.networks and app.explorer.query_text.text == lab.name("needle")
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(app.explorer.networks.keys) > 1, what="every network again")
        assert app.explorer.query_text.text == ""


async def test_help_lists_every_binding(engine):
    app = live_app()
    async with app.run_test(size=(120, 100)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        for needle in ("quit netui", "filter by name", "go to this network's containers", "sort by the next column",
                       "every published", "command palette", "clear the filter"):
            assert needle in text, needle
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))


async def test_engine_cut_shows_disconnected_and_recovers(engine, lab):
    nid = lab.network("survivor")
    with SocketProxy() as proxy:
        app = live_app(proxy.url)
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            await select_network(pilot, nid)
            before = list(app.explorer.networks.keys)
            for _ in range(3):
                proxy.cut()
                await wait_for(pilot, lambda: app.state in ("disconnected", "reconnecting"), timeout=3, what="disconnected")
                await wait_for(pilot, lambda: app.explorer.status.status.stale, timeout=3, what="stale marking")
                # The last topology stays on screen. What changed on the engine until the cut is in it
                # (netui was live until then): in the one failure of an exact comparison with `before`,
                # a second CI run, left going by mistake on the same engine, had replaced a network.
                shown = set(app.explorer.networks.keys)
                still = {n["Id"] for n in engine.api.networks()}
                assert nid in shown and {k for k in before if k in still} <= shown, (before, shown)
                assert app.explorer.networks.current_key == nid
                proxy.restore()
                await wait_for(pilot, lambda: app.state == "live", timeout=5, what="live again")
                await wait_for(pilot, lambda: app.source.open_streams == 1, what="one event stream")
            assert not app.explorer.status.status.stale
            # Still live for real: a change made now arrives.
            late = lab.network("after-restore")
            await wait_for(pilot, lambda: late in app.explorer.networks.keys, what="a change after recovery")


async def test_starts_without_an_engine_and_connects_when_it_appears(engine):
    proxy = SocketProxy()
    app = live_app(proxy.url)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.state == "disconnected", what="disconnected")
        await wait_for(pilot, lambda: "does not exist" in screen_text(app), what="the reason, on screen")
        assert "netui keeps trying" in screen_text(app)
        proxy.start()
        try:
            await wait_for(pilot, lambda: app.state == "live", timeout=6, what="live once the engine appears")
            await loaded(pilot)
        finally:
            proxy.stop()


async def test_engine_strings_show_literally(engine, lab):
    hostile = "[b]x[/b]"
    labels = {"markup": "[bold red]y[/]", "click": "[@click=app.quit]z[/]", "esc": "\x1b[31mred\x1b]0;t\x07"}
    nid = lab.network(hostile, labels=labels)
    lab.container("hostile-c", lab.image, networks=[(lab.name(hostile), ["[u]alias[/u]"])])
    app = live_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await select_network(pilot, nid)
        await wait_for(pilot, lambda: app.explorer.details.subject == ("network", nid), what="the network's details")
        await wait_for(pilot, lambda: "[bold red]y[/]" in screen_text(app), what="its labels, drawn")
        text = screen_text(app)
        assert lab.name(hostile) in text
        assert "[bold red]y[/]" in text and "[@click=app.quit]z[/]" in text
        assert "\x1b" not in text and "\x07" not in text
        assert app.is_running  # the [@click=app.quit] label did nothing


async def test_event_storm_is_coalesced_and_nothing_is_lost(private_dockerd):
    """A script creating and removing networks in a loop: reads do not multiply (each
    costs a frame), and netui ends on the true state. On a private engine: the counts
    compare reads with events, and nobody else's events may be in them."""
    import asyncio

    from tests.engine.test_engines import Engine2

    url, _start, _stop = private_dockerd
    other = Engine2(url)
    try:
        keep = other.network("storm-keeper")
        app = live_app(url)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await wait_for(pilot, lambda: keep in app.explorer.networks.keys)
            events0, refreshes0 = app.stats["events"], app.stats["refreshes"]

            def storm() -> list[str]:
                made = []
                for i in range(15):
                    made.append(other.network(f"storm-{i}"))
                    other.engine.api.remove_network(made[-1])
                made.append(other.network("storm-last"))  # this one stays
                return made

            made = await asyncio.to_thread(storm)
            await wait_for(pilot, lambda: made[-1] in app.explorer.networks.keys, timeout=3, what="the last network, on screen")
            await pilot.pause(1.0)
            events = app.stats["events"] - events0
            refreshes = app.stats["refreshes"] - refreshes0
            assert events >= 31
            # Re-reads for announced-but-unlisted changes once multiplied (56 reads for 31
            # events here); now reads do not outnumber events, and keep a gap in a storm.
            assert refreshes <= events + 3, (events, refreshes)
            shown = set(app.explorer.networks.keys)
            assert not shown & set(made[:-1]) and made[-1] in shown and keep in shown
    finally:
        other.close()


async def test_an_outside_connect_appears_on_the_map_in_place(engine, lab):
    """`v`, then `docker network connect` from another shell: on the map within a second,
    the selected node still selected."""
    import time

    from netui.ui.screens.map_screen import MapScreen

    a = lab.network("map-a")
    lab.network("map-b")
    mover = lab.container("mover", lab.image, networks=[lab.name("map-b")])
    lab.container("stay", lab.image, networks=[lab.name("map-a")])
    app = live_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await select_network(pilot, a)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MapScreen))
        screen = app.screen
        await pilot.press("slash", *lab.prefix, "enter")  # this test's part of a shared engine
        await wait_for(pilot, lambda: lab.name("mover") in screen_text(app))
        selected = screen.topology.selected
        t0 = time.monotonic()
        engine.api.connect_container_to_network(mover, a, aliases=["late-alias"])
        await wait_for(pilot, lambda: "late-alias" in screen_text(app), timeout=3, what="the new endpoint on the map")
        took = time.monotonic() - t0
        assert took < 1.0 or app.policy.in_storm(), took  # (a busy shared engine may put netui in storm mode)
        assert screen.topology.selected == selected
