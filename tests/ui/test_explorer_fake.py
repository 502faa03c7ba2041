"""The explorer's own behaviour on a fake source (no engine): navigation, filter, sort,
read-only gating, dialogs and their keys, layout. What talks to an engine is tested on
the real one in *_live.py."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Checkbox, Input

from netui.engine.model import Container, Endpoint, IpamConfig, Network
from netui.engine.specs import ConnectSpec, PruneSpec
from netui.ui.app import WRITE_ACTIONS, NetuiApp
from netui.ui.screens.confirm_screen import ConfirmScreen
from netui.ui.screens.connect_screen import ConnectScreen
from netui.ui.screens.create_network_screen import CreateNetworkScreen
from netui.ui.screens.matrix_screen import MatrixScreen
from netui.ui.screens.probe_screen import ProbeScreen
from netui.ui.screens.run_container_screen import RunContainerScreen
from tests.fakes import FakeSource
from tests.helpers import loaded, screen_text, wait_for


def net_id(app, name: str) -> str:
    return next(n.id for n in app.snapshot.networks if n.name == name)


def cid_of(app, name: str) -> str:
    return next(c.id for c in app.snapshot.containers if c.name == name)


async def open_on(pilot, network: str) -> None:
    app = pilot.app
    await loaded(pilot)
    assert app.explorer.networks.select_key(net_id(app, network))
    app.explorer.networks.focus()
    await pilot.pause(0.05)


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def test_navigation_filter_and_sort_keep_the_cursor():
    app = NetuiApp(FakeSource())
    async with app.run_test(size=(160, 48)) as pilot:
        await open_on(pilot, "my_custom_network")
        ex = app.explorer
        # Enter drills in; Esc comes back; Tab cycles panes.
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.focused is ex.containers)
        assert set(ex.containers.keys) == {cid_of(app, n) for n in ("container1", "container2", "gateway")}
        ex.containers.select_key(cid_of(app, "gateway"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: ex.details.subject == ("container", cid_of(app, "gateway")))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is ex.containers)
        # Sort by the next column and back: the cursor stays on its row.
        await pilot.press("s")
        assert ex.containers.current_key == cid_of(app, "gateway") and ex.containers.sort_index == 1
        await pilot.press("S")
        assert ex.containers.sort_reverse and ex.containers.current_key == cid_of(app, "gateway")
        # The filter: an IP finds its network; Esc clears it, the selection stays.
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is ex.networks)
        await pilot.press("slash", *"172.16.6.", "enter")
        await wait_for(pilot, lambda: ex.networks.keys == [net_id(app, "isolated_network")], what="the filtered list")
        assert ex.status.status.filter == "172.16.6."
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(ex.networks.keys) == len(app.snapshot.networks))
        assert ex.networks.current_key == net_id(app, "isolated_network")


async def test_live_changes_keep_cursor_filter_and_focus():
    source = FakeSource()
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_on(pilot, "app_network")
        ex = app.explorer
        await pilot.press("slash", *"net", "enter")
        ex.networks.select_key(net_id(app, "my_custom_network"))
        snap = app.snapshot
        new = Network(id="zz-new", name="another_net", driver="bridge", scope="local", ipam=(IpamConfig("10.9.0.0/24"),))
        source.set(replace(snap, networks=(*snap.networks, new)))
        await wait_for(pilot, lambda: "zz-new" in ex.networks.keys, what="the new network")
        assert ex.networks.current_key == net_id(app, "my_custom_network")
        assert ex.query_text.text == "net" and app.focused is ex.networks


async def test_counts_agree_everywhere():
    """A container sharing another's stack counts once, in the column, the pane and the details."""
    app = NetuiApp(FakeSource())
    async with app.run_test(size=(160, 48)) as pilot:
        await open_on(pilot, "rec-shop_default")
        ex = app.explorer
        nid = net_id(app, "rec-shop_default")
        column = ex.networks.cells(nid)[5].plain
        assert column == "4" == str(len(ex.containers.keys))
        await wait_for(pilot, lambda: ex.details.subject == ("network", nid))
        assert "Containers (4: 3 endpoints, 1 sharing a stack)" in screen_text(app)
        assert "Ctrs: containers using it" in screen_text(app)


async def test_read_only_shows_and_runs_no_write():
    source = FakeSource()
    app = NetuiApp(source, read_only=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_on(pilot, "app_network")
        for key in ("n", "c", "d", "R", "P"):
            await pilot.press(key)
            assert app.screen is app.explorer, key
        for action in sorted(WRITE_ACTIONS):
            await app.run_action(f"screen.{action}")
            await pilot.pause(0.02)
            assert app.screen is app.explorer, action
        for label in ("New network", "Connect", "Remove"):
            assert label not in footer(app)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Create network" not in titles and "Prune unused networks" not in titles
        assert source.fake_actions is None and app.actions is None


async def test_ctrl_c_hint_is_rendered_not_shown_as_markup():
    app = NetuiApp(FakeSource())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: "to quit the app" in screen_text(app), what="Textual's own hint")
        text = screen_text(app)
        assert "ctrl+q" in text and "[b]ctrl+q[/b]" not in text


async def test_dialog_footers_show_the_dialogs_keys_and_q_closes_the_matrix():
    source = FakeSource(probes=True)
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_on(pilot, "my_custom_network")
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MatrixScreen))
        await wait_for(pilot, lambda: "done: 6 / 6 pairs" in screen_text(app), what="the fake matrix")
        line = footer(app)
        assert "Close" in line and "r Run again" in line
        for main_only in ("Connect", "Matrix", "New network", "Remove"):
            assert main_only not in line, main_only
        await pilot.press("q")
        await wait_for(pilot, lambda: app.screen is app.explorer, what="q to close the matrix")
        assert app.is_running
        # A confirmation's footer: its own keys.
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        line = footer(app)
        assert "y Yes" in line and "No / cancel" in line and "New network" not in line


async def test_matrix_at_80x24_shows_every_row_first():
    source = FakeSource(probes=True)
    app = NetuiApp(source)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_on(pilot, "rec-shop_default")
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MatrixScreen))
        await wait_for(pilot, lambda: "pairs in" in screen_text(app), what="the matrix done")
        text = screen_text(app)
        # (a container sharing another's stack is that one's endpoint, not a row of its own)
        running = [m.container.name for m in app.snapshot.members(net_id(app, "rec-shop_default"))
                   if m.container.running and m.endpoint is not None]
        for name in running:
            assert sum(line.count(name[:14]) for line in text.splitlines()) >= 2, name  # a row and a column
        assert "?: fold this legend" in text or "reaches it by name" in text
        await pilot.press("question_mark")  # unfold the legend
        await wait_for(pilot, lambda: "answers although they share no network" in screen_text(app))


async def test_y_confirms_n_cancels_enter_is_cancel():
    source = FakeSource()
    snap = source.snapshot
    empty = Network(id="zz-empty", name="zz-empty", driver="bridge", scope="local", ipam=(IpamConfig("10.8.0.0/24"),))
    source.snapshot = replace(snap, networks=(*snap.networks, empty))
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_on(pilot, "zz-empty")
        for key in ("n", "enter", "escape"):
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press(key)
            await wait_for(pilot, lambda: app.screen is app.explorer, what=f"{key} closes")
        assert source.fake_actions.performed == []
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is app.explorer)
        assert [s.network for s in source.fake_actions.performed] == ["zz-empty"]


async def test_prune_confirmation_follows_live_changes():
    source = FakeSource()
    snap = source.snapshot
    nets = [Network(id=f"zz-{i}", name=f"zz-unused{i}", driver="bridge", scope="local", ipam=(IpamConfig(f"10.7.{i}.0/24"),)) for i in range(2)]
    source.snapshot = replace(snap, networks=(*snap.networks, *nets))
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"zz-", "enter")
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "zz-unused0" in app.screen.current.body.plain and "zz-unused1" in app.screen.current.body.plain
        # Another shell creates a container on one of them while the dialog is open.
        late = Container(id="late", name="late", state="created",
                         endpoints=(Endpoint("zz-0", "zz-unused0", "late", "late"),))
        now = app.snapshot
        source.set(replace(now, containers=(*now.containers, late)))
        await wait_for(pilot, lambda: "zz-unused0 is now used by late: left out" in screen_text(app), what="the dialog following")
        assert "zz-unused0" not in app.screen.current.body.plain
        assert "Remove 1" in screen_text(app)
        # What y would do changed under the user: the first y only acknowledges it.
        await pilot.press("y")
        await wait_for(pilot, lambda: "press y or Remove 1 again" in screen_text(app), what="the acknowledgement")
        assert source.fake_actions.performed == [] and isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is app.explorer)
        assert source.fake_actions.performed == [PruneSpec(("zz-unused1",), ("zz-1",))]


async def test_connect_picker_selects_exactly_what_it_highlights():
    source = FakeSource()
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_on(pilot, "my_custom_network")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen))
        screen = app.screen
        assert screen.chosen is None and screen.query_one("#submit").disabled  # nothing picked yet
        await pilot.press(*"lone")
        await wait_for(pilot, lambda: screen.chosen is not None and screen.chosen.name == "loner")
        assert "docker network connect my_custom_network loner" in screen_text(app)
        # Matches nothing (a container:<x> container, or one already on it): nothing selected.
        await pilot.press(*"zzz")
        await wait_for(pilot, lambda: screen.chosen is None)
        assert "no match" in screen_text(app) and screen.query_one("#submit").disabled
        assert "docker network connect my_custom_network CONTAINER" in screen_text(app)
        await pilot.press("enter")  # submit: refused, nothing sent
        await pilot.pause(0.1)
        assert isinstance(app.screen, ConnectScreen) and source.fake_actions.performed == []
        for _ in range(7):
            await pilot.press("backspace")
        await pilot.press(*"sidecar")  # shares another's stack: cannot join
        await wait_for(pilot, lambda: "no match" in screen_text(app))
        assert screen.chosen is None
        await pilot.press("ctrl+u", *"legacy", "enter")
        await wait_for(pilot, lambda: app.screen is app.explorer)
        assert source.fake_actions.performed == [ConnectSpec("my_custom_network", "legacy", network_id=net_id(app, "my_custom_network"),
                                                             container_id=cid_of(app, "legacy"))]


async def test_engine_refusal_stays_until_its_field_changes():
    source = FakeSource()
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_on(pilot, "app_network")
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, RunContainerScreen))
        source.fake_actions.refuse = "cannot assign requested address"
        app.screen.query_one("#f-publish", Input).value = "192.0.2.77:18182:80"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "cannot assign requested address" in screen_text(app), what="the refusal")
        # A live update from another shell does not wipe it.
        source.set(app.snapshot)
        await pilot.pause(0.3)
        assert "cannot assign requested address" in screen_text(app)
        # Editing another field keeps it; editing the publish field clears it.
        app.screen.query_one("#f-aliases", Input).value = "web"
        await pilot.pause(0.1)
        assert "cannot assign requested address" in screen_text(app)
        app.screen.query_one("#f-publish", Input).value = "127.0.0.1:18182:80"
        await wait_for(pilot, lambda: "cannot assign requested address" not in screen_text(app))


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_create_form_fits_small_terminals(size):
    app = NetuiApp(FakeSource())
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, CreateNetworkScreen))
        ipv6 = app.screen.query_one("#f-ipv6", Checkbox)
        ipv6.scroll_visible(animate=False)
        await pilot.pause(0.1)
        region = ipv6.region
        assert region.width > 0 and region.right <= size[0] and region.bottom <= size[1], region
        assert "IPv6" in screen_text(app)


async def test_invalid_probe_target_clears_the_last_results():
    source = FakeSource(probes=True)
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_on(pilot, "my_custom_network")
        app.explorer.containers.focus()
        app.explorer.containers.select_key(cid_of(app, "container1"))
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ProbeScreen))
        await pilot.press(*"container2", "enter")
        await wait_for(pilot, lambda: "3/3 replies from container2" in screen_text(app))
        await pilot.press("ctrl+u", *"bad host!", "enter")
        await wait_for(pilot, lambda: "not a valid host name" in screen_text(app))
        assert "3/3 replies from container2" not in screen_text(app)
        assert source.fake_prober.asked == [("container1", "container2")]


async def test_renamed_probe_source_is_probed_under_its_new_name():
    source = FakeSource(probes=True)
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_on(pilot, "my_custom_network")
        app.explorer.containers.focus()
        c1 = cid_of(app, "container1")
        app.explorer.containers.select_key(c1)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ProbeScreen))
        snap = app.snapshot
        renamed = tuple(replace(c, name="renamed1") if c.id == c1 else c for c in snap.containers)
        source.set(replace(snap, containers=renamed))
        await wait_for(pilot, lambda: "Test connectivity from renamed1" in screen_text(app), what="the new name")
        await pilot.press(*"container2", "enter")
        await wait_for(pilot, lambda: source.fake_prober.asked == [("renamed1", "container2")])


async def test_slash_from_the_narrow_details_filters():
    """80x24: Enter twice shows a container's details in place of the tables; / there
    goes back to the tables and filters (the typed text is not lost)."""
    app = NetuiApp(FakeSource())
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: app.explorer.has_class("-show-details"))
        await pilot.press("slash", *"loner")
        await wait_for(pilot, lambda: app.explorer.query_text.text == "loner", what="the filter typed")
        assert not app.explorer.has_class("-show-details")
