"""The explorer's tables in the real app, on the recorded topology (no engine): the keys,
the mouse and sorting drive the panes as a user sees them."""

from __future__ import annotations

from tests.helpers import loaded, replay_app, screen_text, wait_for


def _net(app, name: str) -> str:
    return next(n.id for n in app.snapshot.networks if n.name == name)


async def test_cursor_keys_drive_the_panes_and_sort_keeps_the_row():
    app = replay_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        nets = app.explorer.networks
        assert app.focused is nets and nets.current_key == _net(app, "app_network")
        await pilot.press("G")
        assert nets.current_key == _net(app, "rec-vault")
        await wait_for(pilot, lambda: app.explorer.containers.network_id == _net(app, "rec-vault"), what="the containers pane to follow")
        await pilot.press("k", "k")
        shop = _net(app, "rec-shop_default")
        assert nets.current_key == shop
        await wait_for(pilot, lambda: app.explorer.containers.network_id == shop, what="the containers pane to follow")
        assert len(app.explorer.containers.keys) == 4

        await pilot.press("s")  # by driver: the cursor stays on its network
        assert nets.sort_index == 1 and nets.current_key == shop
        await pilot.press("S")
        assert nets.sort_reverse and nets.current_key == shop
        await pilot.pause()
        assert "Driver ▼" in screen_text(app)

        await pilot.press("enter")  # into the containers
        assert app.focused is app.explorer.containers
        first = app.explorer.containers.current_key
        await pilot.press("j")
        assert app.explorer.containers.current_key != first
        web = app.explorer.containers.current_key
        await wait_for(pilot, lambda: app.explorer.details.subject == ("container", web), what="the details to follow the cursor")

async def test_clicks_select_rows_and_sort_by_header():
    app = replay_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        nets = app.explorer.networks
        order = nets.keys
        # line 0 of the pane's content is the header; the border takes one line above it
        await pilot.click("#networks", offset=(3, 1 + 1 + 2))
        assert nets.current_key == order[2]
        await wait_for(pilot, lambda: app.explorer.containers.network_id == order[2], what="the containers pane to follow")
        x = 1 + nets.column_widths[0] + 2 + 1  # border, first column and its padding, into the second header
        await pilot.click("#networks", offset=(x, 1))
        assert nets.sort_index == 1 and not nets.sort_reverse and nets.current_key == order[2]
        await pilot.click("#networks", offset=(x, 1))
        assert nets.sort_reverse
