"""Dialogs against a real engine changing underneath them (another shell at work):
they act on exactly what the user picked, follow live changes, and keep the engine's
words until the user acts on them."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from netui.ui.screens.confirm_screen import ConfirmScreen
from netui.ui.screens.connect_screen import ConnectScreen
from netui.ui.screens.create_network_screen import CreateNetworkScreen
from netui.ui.screens.probe_screen import ProbeScreen
from netui.ui.screens.run_container_screen import RunContainerScreen
from tests.helpers import live_app, loaded, screen_text, select_network, wait_for

pytestmark = pytest.mark.engine


def endpoints(engine, cid: str) -> set[str]:
    return set(engine.api.inspect_container(cid)["NetworkSettings"]["Networks"])


async def test_connect_with_no_match_connects_nothing(engine, lab):
    """A name that matches nothing (a container:<x> sharer, or one already on the network)
    selects nothing: the last partial match is not kept, and Enter sends nothing."""
    target = lab.network("adv")
    member = lab.container("adv-member", lab.image, networks=[lab.name("adv")])
    lab.container("adv-hostile", lab.image)  # on the default bridge: could join
    sharer = lab.container("adv-sharer", lab.image, network_mode=f"container:{member}")
    app = live_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await loaded(pilot)
        await select_network(pilot, target)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen))
        screen = app.screen
        await pilot.press(*lab.name("adv-h"))
        await wait_for(pilot, lambda: screen.chosen is not None and screen.chosen.name == lab.name("adv-hostile"))
        await pilot.press(*"zz")  # now matches nothing
        await wait_for(pilot, lambda: screen.chosen is None, what="the partial match dropped")
        assert f"docker network connect {lab.name('adv')} CONTAINER" in screen_text(app)
        assert screen.query_one("#submit").disabled
        await pilot.press("enter")
        await pilot.pause(0.3)
        # The sharer and the member are not offered at all.
        await pilot.press("ctrl+u", *lab.name("adv-sharer"))
        await wait_for(pilot, lambda: "no match" in screen_text(app))
        assert screen.chosen is None
        await pilot.press("enter")
        await pilot.pause(0.3)
        await pilot.press("escape")
    assert lab.name("adv") not in endpoints(engine, lab.containers[1])
    assert endpoints(engine, sharer) == set()
    assert [e.command for e in app.action_log.entries] == []


async def test_a_refusal_stays_while_others_change_the_engine(engine, lab):
    """`R` publishing on an address the host does not have: the engine refuses; a `docker run`
    from another shell (an event, a live update) does not wipe the message."""
    nid = lab.network("refusals")
    app = live_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await loaded(pilot)
        await select_network(pilot, nid)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, RunContainerScreen))
        screen = app.screen
        screen.query_one("#f-name", Input).value = lab.name("refused")
        screen.query_one("#f-publish", Input).value = "198.18.0.77:18182:80"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "The engine refused" in screen_text(app), timeout=15, what="the refusal")
        assert "cannot assign requested address" in screen_text(app).replace("\n", " ") or "assign" in screen_text(app)
        events = app.stats["events"]
        lab.container("bystander", lab.image, networks=[lab.name("refusals")])
        await wait_for(pilot, lambda: app.stats["events"] > events + 1, what="the outside change arriving")
        await wait_for(pilot, lambda: any(c.name == lab.name("bystander") for c in screen.snapshot.containers),
                       what="the form's snapshot updated")
        assert "The engine refused" in screen_text(app)
        # Changing the field it concerns clears it.
        screen.query_one("#f-publish", Input).value = "127.0.0.1::80"
        await wait_for(pilot, lambda: "The engine refused" not in screen_text(app))
        await pilot.press("escape")

        # The create form: the engine refuses a macvlan parent that does not exist.
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, CreateNetworkScreen))
        screen = app.screen
        screen.query_one("#f-name", Input).value = lab.name("macv")
        screen.query_one("#f-options", Input).value = "parent=netui-nonexistent0"
        screen.query_one("#f-driver", Select).value = "macvlan"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "The engine refused" in screen_text(app), timeout=15, what="the refusal")
        lab.container("bystander2", lab.image)
        await wait_for(pilot, lambda: any(c.name == lab.name("bystander2") for c in screen.snapshot.containers))
        assert "The engine refused" in screen_text(app)
        await pilot.press("escape")
    assert not engine.api.containers(all=True, filters={"name": [lab.name("refused")]})


async def test_probe_dialog_follows_a_rename(engine, lab):
    lab.network("ren")
    src = lab.container("before", lab.image, networks=[lab.name("ren")])
    lab.container("peer", lab.image, networks=[lab.name("ren")])
    app = live_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await loaded(pilot)
        await select_network(pilot, lab.networks[0])
        await wait_for(pilot, lambda: src in app.explorer.containers.keys)
        app.explorer.containers.focus()
        app.explorer.containers.select_key(src)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ProbeScreen))
        engine.api.rename(src, lab.name("after"))
        await wait_for(pilot, lambda: f"Test connectivity from {lab.name('after')}" in screen_text(app), what="the new name")
        await pilot.press(*lab.name("peer"), "enter")
        await wait_for(pilot, lambda: "Verdict: reachable by name" in screen_text(app), timeout=20, what="the verdict")
        assert f"docker exec {lab.name('after')} nslookup {lab.name('peer')}" in screen_text(app)
        assert f"docker exec {lab.name('before')}" not in screen_text(app)
        await pilot.press("escape")


async def test_removal_confirmation_follows_a_container_created_meanwhile(engine, lab):
    nid = lab.network("rmlive")
    app = live_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await loaded(pilot)
        await select_network(pilot, nid)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "No container uses it" in screen_text(app)
        lab.container("late", lab.image, networks=[lab.name("rmlive")], start=False)  # docker create from another shell
        await wait_for(pilot, lambda: f"{lab.name('late')} joined" in screen_text(app), timeout=10, what="the dialog following")
        assert "Disconnect all, then remove" in screen_text(app)
        assert app.focused is app.screen.query_one("#cancel")
        await pilot.press("escape")
    assert lab.name("rmlive") in {n["Name"] for n in engine.api.networks()}


def test_a_network_removed_and_recreated_under_its_dialogs_is_not_the_one_confirmed(engine, lab):
    """Issue 9 item 18: a network removed and created again with the same name while a
    dialog was open on it. The dialog and the form say so, and a confirmed removal or
    connect refuses (the new network is not the one the user confirmed)."""
    from netui.engine.actions import Actions
    from netui.engine.client import NotFound
    from netui.engine.specs import ConnectSpec, RemoveSpec, blocking
    from netui.engine.topology import TopologyReader
    from netui.engine.validation import validate_connect
    from netui.ui import dialogs

    old = lab.network("again")
    lab.container("joiner", lab.image)
    reader = TopologyReader(engine)
    build = dialogs.remove_network(reader.read(), old)
    assert not isinstance(build, str)
    engine.api.remove_network(old)
    new = lab.network("again")
    snap = reader.read()
    assert new != old and snap.network_by_name[lab.name("again")].id == new
    assert "was removed and re-created while this dialog was open" in build(snap).gone
    errors = blocking(validate_connect(ConnectSpec(lab.name("again"), network_id=old, container=lab.name("joiner")), snap))
    assert any("was removed and re-created since this form opened" in e.message for e in errors), errors
    with pytest.raises(NotFound):  # by its id: the network confirmed is gone, the new one is not it
        Actions(engine).perform(RemoveSpec(lab.name("again"), network_id=old))
    assert engine.api.inspect_network(new)["Name"] == lab.name("again")  # the new one is still there
