"""Every action end to end through the UI on a real engine, bad inputs included.

Each test makes its own labelled resources and checks the engine afterwards.
Networks the UI creates carry the lab's prefix and label, so teardown removes them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input

from netui.ui.app import WRITE_ACTIONS
from netui.ui.screens.confirm_screen import ConfirmScreen
from netui.ui.screens.connect_screen import ConnectScreen
from netui.ui.screens.create_network_screen import CreateNetworkScreen
from netui.ui.screens.form_screen import FormScreen
from netui.ui.screens.run_container_screen import RunContainerScreen
from tests.helpers import live_app, loaded, screen_text, select_network, wait_for

pytestmark = pytest.mark.engine


async def fill(pilot, **values) -> None:
    screen = pilot.app.screen
    for name, value in values.items():
        widget = screen.query_one(f"#f-{name}")
        if isinstance(widget, Checkbox):
            widget.value = bool(value)
        else:
            assert isinstance(widget, Input)
            widget.value = value
    await pilot.pause(0.05)


async def submit_and_wait(pilot) -> None:
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, (FormScreen, ConfirmScreen)), timeout=10, what="the dialog to close")


async def confirm(pilot, button: str = "choice-0") -> None:
    screen = pilot.app.screen
    assert isinstance(screen, ConfirmScreen)
    await pilot.click(f"#{button}")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ConfirmScreen), timeout=10, what="the confirmation to close")


def network_names(engine, prefix: str = "") -> set[str]:
    """Network names on the engine (those starting with `prefix`: other processes may
    create networks on the same engine meanwhile)."""
    return {n["Name"] for n in engine.api.networks() if n["Name"].startswith(prefix)}


async def test_create_network_through_the_form(engine, lab):
    name = lab.name("created")
    app = live_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, CreateNetworkScreen)
        await pilot.press(*name)  # typed, the name field has focus
        await fill(pilot, subnet="10.231.40.0/24", gateway="10.231.40.254", ip_range="10.231.40.128/25",
                   internal=True, labels="netui.test=1, team=blue", options="com.docker.network.driver.mtu=1400")
        assert "--internal" in screen_text(app) and f"{name}" in screen_text(app)
        await submit_and_wait(pilot)
        info = engine.api.inspect_network(name)
        assert info["IPAM"]["Config"] == [{"Subnet": "10.231.40.0/24", "IPRange": "10.231.40.128/25", "Gateway": "10.231.40.254"}]
        assert info["Internal"] is True and info["Labels"]["team"] == "blue"
        assert info["Options"]["com.docker.network.driver.mtu"] == "1400"
        # It arrives through the event stream and gets selected.
        await wait_for(pilot, lambda: app.explorer.networks.current_key == info["Id"], what="the new network selected")
        entry = app.action_log.entries[-1]
        assert entry.ok and entry.command.startswith("docker network create --driver bridge --subnet 10.231.40.0/24")


async def test_connect_with_alias_and_static_ip_then_disconnect(engine, lab):
    nid = lab.network("conn", subnet="10.231.41.0/24")
    cid = lab.container("joiner", lab.image)  # on the default bridge
    app = live_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await select_network(pilot, nid)
        await pilot.press("c")
        assert isinstance(app.screen, ConnectScreen)
        await pilot.press(*lab.name("joiner"))  # the fuzzy search picks it
        await wait_for(pilot, lambda: app.screen.chosen is not None and app.screen.chosen.id == cid, what="the picked container")
        await fill(pilot, aliases="db, cache", ipv4="10.231.41.77")
        await submit_and_wait(pilot)
        ep = engine.api.inspect_container(cid)["NetworkSettings"]["Networks"][lab.name("conn")]
        assert ep["IPAddress"] == "10.231.41.77" and {"db", "cache"} <= set(ep["Aliases"])
        await wait_for(pilot, lambda: cid in app.explorer.containers.keys, what="the container in the pane")
        # Disconnect it again: x on the containers pane, confirmed.
        app.explorer.containers.focus()
        app.explorer.containers.select_key(cid)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        assert "docker network disconnect" in screen_text(app)
        await confirm(pilot)
        assert lab.name("conn") not in engine.api.inspect_container(cid)["NetworkSettings"]["Networks"]
        await wait_for(pilot, lambda: cid not in app.explorer.containers.keys)


async def test_remove_network_with_and_without_endpoints(engine, lab):
    empty = lab.network("empty")
    busy = lab.network("busy")
    cid = lab.container("stays", lab.image, networks=[lab.name("busy")])
    app = live_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await select_network(pilot, empty)
        await pilot.press("d")
        await wait_for(pilot, lambda: "docker network rm " + lab.name("empty") in screen_text(app), what="the confirmation")
        await confirm(pilot)
        assert lab.name("empty") not in network_names(engine)
        await select_network(pilot, busy)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        text = screen_text(app)
        assert lab.name("stays") in app.screen.current.body.plain and "Disconnect all, then remove" in text
        assert f"docker network disconnect --force {lab.name('busy')} {lab.name('stays')}" in text
        await confirm(pilot)
        assert lab.name("busy") not in network_names(engine)
        assert engine.api.inspect_container(cid)["State"]["Running"]  # the container lives on


async def test_prune_removes_exactly_the_unused_networks_shown(engine, lab):
    unused = [lab.network(f"unused{i}") for i in range(2)]
    used = lab.network("used")
    lab.container("user", lab.image, networks=[lab.name("used")], start=False)  # a stopped container still uses it
    app = live_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: set(unused) <= set(app.explorer.networks.keys))
        await pilot.press("slash", *lab.prefix, "enter")  # prune within the filter: only this test's networks
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the prune confirmation")
        text = app.screen.current.body.plain
        assert lab.name("unused0") in text and lab.name("unused1") in text and lab.name("used") not in text
        assert "matching the filter" in text
        await confirm(pilot)
        names = network_names(engine)
        assert lab.name("unused0") not in names and lab.name("unused1") not in names and lab.name("used") in names
        entry = app.action_log.entries[-1]
        assert entry.ok and entry.command == f"docker network rm {lab.name('unused1')}"
        assert [e.command for e in app.action_log.entries] == [f"docker network rm {lab.name('unused0')}",
                                                                f"docker network rm {lab.name('unused1')}"]
        await wait_for(pilot, lambda: not set(unused) & set(app.explorer.networks.keys), what="the pruned networks to go")
        assert used in app.explorer.networks.keys


async def test_run_a_container_on_the_network(engine, lab):
    nid = lab.network("runhere")
    app = live_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await select_network(pilot, nid)
        await pilot.press("R")
        assert isinstance(app.screen, RunContainerScreen)
        await fill(pilot, name=lab.name("made"), command="httpd -f -p 80", publish="127.0.0.1::80", aliases="web")
        await submit_and_wait(pilot)
        info = engine.api.inspect_container(lab.name("made"))
        assert info["State"]["Running"] and info["Config"]["Labels"]["netui.managed"] == "1"
        assert "web" in info["NetworkSettings"]["Networks"][lab.name("runhere")]["Aliases"]
        assert info["NetworkSettings"]["Ports"]["80/tcp"][0]["HostIp"] == "127.0.0.1"
        await wait_for(pilot, lambda: info["Id"] in app.explorer.containers.keys)
    engine.api.remove_container(info["Id"], force=True)


async def test_bad_inputs_show_a_message_and_change_nothing(engine, lab):
    """Bad input through the forms and keys: a clear message, no traceback, the engine unchanged."""
    taken = lab.network("taken", subnet="10.231.42.0/24")
    cid = lab.container("member", lab.image, networks=[lab.name("taken")])
    other = lab.container("outsider", lab.image)
    ip_member = engine.api.inspect_container(cid)["NetworkSettings"]["Networks"][lab.name("taken")]["IPAddress"]
    create_cases = [
        (dict(name=""), "needs a name"),
        (dict(name="has space"), "letters, digits"),
        (dict(name="-dash"), "starts with a letter or digit"),
        (dict(name=lab.name("taken")), "already exists"),
        (dict(name=lab.name("x"), subnet="10.231.43.0/33"), "not a CIDR"),
        (dict(name=lab.name("x"), subnet="not-a-subnet"), "not a CIDR"),
        (dict(name=lab.name("x"), subnet="10.231.43.9/24"), "did you mean 10.231.43.0/24"),
        (dict(name=lab.name("x"), subnet="10.231.43.0/24", gateway="10.231.44.1"), "not inside"),
        (dict(name=lab.name("x"), subnet="10.231.43.0/24", ip_range="10.231.44.0/25"), "not inside"),
        (dict(name=lab.name("x"), subnet="10.231.42.128/25"), f"overlaps network {lab.name('taken')}"),
        (dict(name=lab.name("x"), ipv6=True), "IPv6 needs a subnet"),
        (dict(name=lab.name("x"), labels="novalue"), "key=value"),
    ]
    before = network_names(engine, lab.prefix)
    app = live_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        for values, expected in create_cases:
            await pilot.press("n")
            assert isinstance(app.screen, CreateNetworkScreen)
            await fill(pilot, **values)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda expected=expected: expected in screen_text(app), what=f"{expected!r} for {values}")
            assert isinstance(app.screen, CreateNetworkScreen)  # still open, nothing sent
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, CreateNetworkScreen))
        assert network_names(engine, lab.prefix) == before

        # The engine refuses what validation cannot know: a macvlan parent that does not exist.
        await pilot.press("n")
        await fill(pilot, name=lab.name("refused"), options="parent=netui-nonexistent0")
        from textual.widgets import Select

        app.screen.query_one("#f-driver", Select).value = "macvlan"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "The engine refused" in screen_text(app), timeout=10, what="the engine's refusal in the form")
        assert isinstance(app.screen, CreateNetworkScreen)
        await pilot.press("escape")
        assert lab.name("refused") not in network_names(engine)
        assert not app.action_log.entries[-1].ok

        # Connect: static IP outside the subnet, static IP in use, and the same container twice.
        await select_network(pilot, taken)
        for values, expected in [
            (dict(ipv4="10.9.9.9"), "not inside"),
            (dict(ipv4=ip_member), "already used by"),
        ]:
            await pilot.press("c")
            app.screen._choose(other)
            await fill(pilot, **values)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda expected=expected: expected in screen_text(app), what=expected)
            await pilot.press("escape")
        # Connect twice: the form is open while another terminal connects it first. The
        # pick is dropped (never moved to another container), and Connect is disabled.
        await pilot.press("c")
        app.screen._choose(other)
        engine.api.connect_container_to_network(other, taken)
        await wait_for(pilot, lambda: "can no longer be connected here" in screen_text(app), timeout=10, what="the pick dropped")
        assert app.screen.chosen is None and app.screen.query_one("#submit").disabled
        await pilot.press("ctrl+s")
        await pilot.press("escape")
        engine.api.disconnect_container_from_network(other, taken)

        # The container is removed while the connect form is open.
        ghost = lab.container("ghost", lab.image)
        await wait_for(pilot, lambda: ghost in app.snapshot.container_by_id, what="the ghost container")
        await pilot.press("c")
        app.screen._choose(ghost)
        engine.api.remove_container(ghost, force=True)
        await wait_for(pilot, lambda: "can no longer be connected here" in screen_text(app), timeout=10, what="the pick dropped")
        assert app.screen.chosen is None
        await pilot.press("escape")

        # Disconnect a container that is no longer connected (disconnected outside after the dialog opened).
        await wait_for(pilot, lambda: cid in app.explorer.containers.keys)
        app.explorer.containers.focus()
        app.explorer.containers.select_key(cid)
        await pilot.press("x")
        engine.api.disconnect_container_from_network(cid, taken)
        await wait_for(pilot, lambda: "is not connected to" in screen_text(app), timeout=10, what="the dialog following")
        assert app.screen.current.gone and "is not connected to" in app.screen.current.gone
        assert not app.screen.query_one("#choice-0").display  # nothing left to confirm
        await pilot.press("y")  # does nothing
        await pilot.press("escape")

        # Remove a builtin network: protected, explained, nothing asked.
        bridge = next(n for n in app.snapshot.networks if n.name == "bridge")
        await select_network(pilot, bridge.id)
        await pilot.press("d")
        await wait_for(pilot, lambda: "Protected network" in screen_text(app), what="the protection message")
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.is_running
    assert lab.name("x") not in network_names(engine)


async def test_read_only_allows_no_write(engine, lab):
    nid = lab.network("ro")
    lab.container("ro-member", lab.image, networks=[lab.name("ro")])
    def ours():
        # Other processes may use the engine meanwhile: compare what this test owns,
        # and rely on the action log and the engine-side refusal for the rest.
        nets = {n["Id"]: (n["Name"], tuple(sorted(engine.api.inspect_network(n["Id"])["Containers"] or {}))) for n in engine.api.networks()
                if n["Name"].startswith(lab.prefix)}
        ctrs = {c["Id"]: c["State"] for c in engine.api.containers(all=True) if any(x.lstrip("/").startswith(lab.prefix) for x in c["Names"])}
        return nets, ctrs

    before = ours()
    app = live_app(read_only=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await select_network(pilot, nid)
        assert app.actions is None
        # Not bound: every write key does nothing.
        for key in ("n", "c", "d", "R", "P"):
            await pilot.press(key)
            assert app.screen is app.explorer, key
        app.explorer.containers.focus()
        await pilot.press("x")
        assert app.screen is app.explorer
        # Not shown: not in the footer, the help, or the palette.
        footer = screen_text(app).splitlines()[-1]
        for label in ("New network", "Connect", "Remove", "Disconnect", "Prune", "Run here"):
            assert label not in footer
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert not titles & {"Create network", "Connect a container", "Disconnect container", "Remove network",
                             "Prune unused networks", "Run a container here"}
        # Not runnable even when called directly: every write action refuses.
        for action in sorted(WRITE_ACTIONS):
            assert app.check_action(action, ()) is False
            await app.run_action(f"screen.{action}")
            await pilot.pause(0.05)
            assert app.screen is app.explorer, action
        assert "READ-ONLY" in screen_text(app)
        assert app.action_log.entries == []
    assert ours() == before


def test_engine_actions_refuse_writes_when_read_only(engine):
    from netui.engine.actions import Actions, ReadOnlyError
    from netui.engine.specs import ConnectSpec, DisconnectSpec, NetworkSpec, PruneSpec, RemoveSpec, RunSpec

    a = Actions(engine, read_only=True)
    specs = [NetworkSpec(name="never"), ConnectSpec("bridge", "never"), DisconnectSpec("bridge", "never"),
             RemoveSpec("never"), PruneSpec(("never",)), RunSpec("bridge")]
    for spec in specs:
        with pytest.raises(ReadOnlyError):
            a.perform(spec)
    assert a.log.entries == []
