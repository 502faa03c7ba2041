"""Driver options checked before sending, and the engine's cryptic refusals in plain words (issue 9 item 13)."""

from __future__ import annotations

import pytest

from netui.engine import refusals
from netui.engine.client import EngineError, NotFound
from netui.engine.specs import NetworkSpec, blocking
from netui.engine.validation import validate_network
from tests.unit.formdata import INFO, SNAP, host, problems

B = "com.docker.network.bridge."
MTU = "com.docker.network.driver.mtu"


@pytest.mark.parametrize("options, words", [
    (f"{MTU}=abc", "whole number of bytes"),
    (f"{MTU}=1400.5", "whole number of bytes"),
    (f"{MTU}=-1", "whole number of bytes"),
    (f"{MTU}=67", "outside what Linux allows (68 to 65535)"),
    (f"{MTU}=70000", "outside what Linux allows"),
    (f"{B}name=netuitest-toolongbr", "at most 15"),
    (f"{B}name=a/b", "not an interface name"),
    (f"{B}name=br:1", "not an interface name"),
    (f"{B}name=my br", "not an interface name"),
    (f"{B}name=docker0", "network bridge already uses the bridge docker0"),
    (f"{B}enable_icc=maybe", "enable_icc is true or false"),
    (f"{B}enable_ip_masquerade=no", "enable_ip_masquerade is true or false"),
    (f"{B}host_binding_ipv4=banana", "host_binding_ipv4 is the IPv4 address"),
    (f"{B}host_binding_ipv4=::1", "host_binding_ipv4 is the IPv4 address"),
])
def test_bad_bridge_options_are_refused_before_sending(options, words):
    errors = validate_network(NetworkSpec(name="n", options=options), SNAP, INFO)
    assert words in problems(blocking(errors)), problems(errors)
    assert all(e.field == "options" for e in errors)


def test_good_bridge_options_pass():
    ok = f"{MTU}=1400, {B}name=br-demo0123456, {B}enable_icc=false, {B}enable_ip_masquerade=T, {B}host_binding_ipv4=127.0.0.1"
    assert validate_network(NetworkSpec(name="n", options=ok), SNAP, INFO) == []


def test_bridge_option_warnings():
    zero = validate_network(NetworkSpec(name="n", options=f"{MTU}=0"), SNAP, INFO)
    assert blocking(zero) == [] and "engine's default" in problems(zero, "warning")
    typo = validate_network(NetworkSpec(name="n", options=f"{B}enable_ic=true"), SNAP, INFO)
    assert blocking(typo) == [] and "not a bridge option netui knows" in problems(typo, "warning")
    other = validate_network(NetworkSpec(name="n", driver="macvlan", options=f"{B}name=x, parent=eth0"), SNAP, INFO)
    assert blocking(other) == [] and "a macvlan network does not use it" in problems(other, "warning")
    v6 = validate_network(NetworkSpec(name="n", ipv6=True, ipv6_subnet="fd00:9::/64", options=f"{MTU}=1200"), SNAP, INFO)
    assert "IPv6 needs an MTU of at least 1280" in problems(blocking(v6))


def test_a_bridge_name_this_host_already_has_is_refused():
    errors = validate_network(NetworkSpec(name="n", options=f"{B}name=eth0"), SNAP, INFO, host())
    assert "this host already has an interface named eth0" in problems(blocking(errors))
    assert validate_network(NetworkSpec(name="n", options=f"{B}name=eth0"), SNAP, INFO) == []  # host unknown: not claimed


# Real refusals of Docker 20.10 and the words netui puts first.
REFUSALS = [
    ("failed to check bridge interface existence: numerical result out of range", "the bridge name is too long"),
    ("failed to parse com.docker.network.driver.mtu value: abc (strconv.Atoi: parsing \"abc\": invalid syntax)",
     "the MTU must be a whole number of bytes (68 to 65535), not 'abc'"),
    ("invalid MTU number: -1", "the MTU must be between 68 and 65535, not -1"),
    ("failed to create endpoint x on network y: failed to set MTU on host interface veth8485105: invalid argument",
     "the network's MTU option is outside what Linux allows"),
    ("failed to parse com.docker.network.bridge.enable_icc value: maybe (strconv.ParseBool: parsing \"maybe\": invalid syntax)",
     "enable_icc is true or false, not 'maybe'"),
    ("failed to parse com.docker.network.bridge.host_binding_ipv4 value: banana (nil ip)",
     "host_binding_ipv4 must be an IPv4 address, not 'banana'"),
    ("cannot create network ab06 (nt2c4bab42): conflicts with network fa89 (nt2c4bab42): networks have same bridge name",
     "another network already uses that bridge name"),
    ("user specified IP address is supported only when connecting to networks with user configured subnets",
     "this network's subnet was chosen by the engine"),
    ("user specified IP address is supported on user defined networks only", "the default bridge takes no static address"),
    ("No such image: netuitest-nosuch/image:x", "the engine has no image netuitest-nosuch/image:x: netui does not pull"),
    ('failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: '
     'exec: "nosuchprog": executable file not found in $PATH: unknown', "the image has no program 'nosuchprog'"),
    ("driver failed programming external connectivity on endpoint x (0352): Error starting userland proxy: "
     "listen tcp4 198.18.0.77:18182: bind: cannot assign requested address", "this host has no address 198.18.0.77"),
    ("driver failed programming external connectivity on endpoint x (9459): Error starting userland proxy: "
     "listen tcp4 127.0.0.1:35497: bind: address already in use", "host port 35497 on 127.0.0.1 is already in use"),
    ("driver failed programming external connectivity on endpoint x (ab): Bind for 0.0.0.0:8080 failed: port is already allocated",
     "host port 8080 is already published by another container"),
]


@pytest.mark.parametrize("message, words", REFUSALS)
def test_cryptic_refusals_get_plain_words(message, words):
    assert refusals.explain_refusal(message).startswith(words), refusals.explain_refusal(message)


def test_explained_errors_keep_the_engines_words_and_their_kind():
    exc = refusals.with_explanation(EngineError("failed to check bridge interface existence: numerical result out of range", kind="refused"))
    assert str(exc) == ("the bridge name is too long: Linux interface names have at most 15 characters "
                        "(the engine said: failed to check bridge interface existence: numerical result out of range)")
    assert exc.kind == "refused" and exc.original.endswith("numerical result out of range")
    assert refusals.with_explanation(exc) is exc and str(refusals.with_explanation(exc)) == str(exc)  # once only
    clear = refusals.with_explanation(NotFound("network x not found"))
    assert isinstance(clear, NotFound) and str(clear) == "network x not found"
    assert refusals.explain_refusal("something netui has never seen") == ""
