"""Static addresses on the real engine (issue 9 item 14): what GET /networks shows for
user-configured and engine-chosen subnets, and what the engine then accepts."""

from __future__ import annotations

import ipaddress

import pytest

from netui.engine import network_checks as checks
from netui.engine.actions import Actions
from netui.engine.client import EngineError
from netui.engine.model import Network
from netui.engine.specs import ConnectSpec, blocking
from netui.engine.validation import validate_connect
from netui.ui.screens.connect_screen import ConnectScreen
from tests.engine.subnets import free_pool_block, free_subnets
from tests.helpers import live_app, loaded, screen_text, select_network, wait_for

pytestmark = pytest.mark.engine


def test_static_addresses_follow_what_the_api_shows(engine, lab):
    """GET /networks/{id} on Docker 20.10: a configured subnet shows exactly what was given
    (no Gateway unless --gateway); an engine-chosen one always shows Subnet and Gateway."""
    assert engine.info.address_pools is not None  # read from GET /info at connect
    pools = engine.info.address_pools
    cfg, cfg_gw = free_subnets(engine, 2)
    in_pool, in_pool_gw = free_pool_block(engine)
    nets = {
        "auto": lab.network("auto"),
        "cfg": lab.network("cfg", subnet=cfg),
        "cfg_gw": lab.network("cfggw", subnet=cfg_gw, gateway=str(ipaddress.ip_network(cfg_gw).network_address + 1)),
        "poolish": lab.network("poolish", subnet=in_pool, gateway=in_pool_gw),
    }
    listed = {n["Id"]: n for n in engine.api.networks()}
    got = {k: Network.from_api(engine.api.inspect_network(i)) for k, i in nets.items()}
    # The list endpoint shows the same IPAM as the inspect endpoint.
    for k, i in nets.items():
        assert listed[i]["IPAM"]["Config"] == engine.api.inspect_network(i)["IPAM"]["Config"], k
    assert [c.gateway for c in got["cfg"].ipam] == [""]
    assert all(c.gateway for c in got["auto"].ipam)
    bridge = Network.from_api(engine.api.inspect_network("bridge"))
    verdicts = {k: checks.static_ip_support(n, 4, pools)[0] for k, n in got.items()} | {"bridge": checks.static_ip_support(bridge, 4, pools)[0]}
    assert verdicts == {"auto": "unsure", "cfg": "yes", "cfg_gw": "yes", "poolish": "unsure", "bridge": "no"}

    # What the engine does with a static address on each: "yes" works, "no" is refused,
    # and "unsure" is either (which is why netui only warns there).
    cid = lab.container("joiner", lab.image, network_mode="none", start=False)
    engine.api.disconnect_container_from_network(cid, "none")
    a = Actions(engine)
    outcomes = {}
    for k in ("auto", "cfg", "cfg_gw", "poolish", "bridge"):
        n = got.get(k) or bridge
        ip = str(list(ipaddress.ip_network(n.subnets[0]).hosts())[40])
        try:
            a.connect(ConnectSpec(n.name, lab.name("joiner"), ipv4=ip, network_id=n.id))
            outcomes[k] = "accepted"
            engine.api.disconnect_container_from_network(cid, n.id)
        except EngineError as exc:
            outcomes[k] = str(exc)
    assert outcomes["cfg"] == outcomes["cfg_gw"] == outcomes["poolish"] == "accepted"
    assert outcomes["auto"].startswith("this network's subnet was chosen by the engine")
    assert "user configured subnets" in outcomes["auto"]  # the engine's own words kept
    assert outcomes["bridge"].startswith("the default bridge takes no static address")


async def test_the_connect_form_warns_where_the_engine_may_refuse(engine, lab):
    nid = lab.network("chosen")  # the engine picks the subnet
    lab.container("wants-ip", lab.image)
    app = live_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await select_network(pilot, nid)
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, ConnectScreen)
        assert not screen.query_one("#f-ipv4").disabled
        assert "may be refused" in screen_text(app)
        screen._choose(next(c.id for c in app.snapshot.containers if c.name == lab.name("wants-ip")))
        net = app.snapshot.network_by_id[nid]
        ip = str(list(ipaddress.ip_network(net.subnets[0]).hosts())[40])
        screen.query_one("#f-ipv4").value = ip
        await wait_for(pilot, lambda: "⚠ the engine may refuse --ip here" in screen_text(app), what="the warning")
        assert blocking(validate_connect(screen.spec(), app.snapshot)) == []
        before = len(app.action_log.entries)
        await pilot.press("ctrl+s")
        # The refusal, in plain words, is what the form is handed (engine_refused) and what the log keeps.
        await wait_for(pilot, lambda: len(app.action_log.entries) > before, timeout=15, what="the connect attempt")
        entry = app.action_log.entries[-1]
        assert not entry.ok and entry.result.startswith("this network's subnet was chosen by the engine"), entry.result
        assert "user configured subnets" in entry.result  # the engine's own words kept
        await wait_for(pilot, lambda: not app.screen.busy, timeout=15, what="the form to get the answer")
        assert isinstance(app.screen, ConnectScreen)
        await wait_for(pilot, lambda: "The engine refused" in screen_text(app), what="the refusal in the form")
        # Someone else changes the engine meanwhile (issue 9 item 10): the refusal stays on screen.
        lab.container("outsider", lab.image)  # on another network: a candidate the picker lists
        await wait_for(pilot, lambda: lab.name("outsider") in app.screen.snapshot.container_by_name, timeout=15,
                       what="the outside change, in the form's own snapshot")
        await wait_for(pilot, lambda: lab.name("outsider") in screen_text(app), timeout=5,
                       what="the form redrawn with it (its container list)")
        assert "The engine refused" in screen_text(app)
        assert "user configured subnets" in screen_text(app).replace("\n", " ")
