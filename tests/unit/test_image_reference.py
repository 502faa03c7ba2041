"""The Image field (issue 9 item 15): required when empty, references parsed as docker parses them."""

from __future__ import annotations

import pytest

from netui.engine import image as images
from netui.engine.specs import RunSpec, blocking
from netui.engine.validation import validate_run
from tests.unit.formdata import SNAP, SUBNET, problems


def test_an_empty_image_is_required_not_spaced():
    assert problems(validate_run(RunSpec("subnet", image="", network_id=SUBNET.id), SNAP)) == (
        "an image is required, e.g. netui/busybox:local")
    assert problems(validate_run(RunSpec("subnet", image="   ", network_id=SUBNET.id), SNAP)) == (
        "an image is required, e.g. netui/busybox:local")
    assert "no spaces" in problems(validate_run(RunSpec("subnet", image="net ui", network_id=SUBNET.id), SNAP))


@pytest.mark.parametrize("ref", ["netui/busybox:local", "busybox", "localhost:5000/x", "localhost:5000/tools/busybox:1.36",
                                 "registry.example.com/a/b@sha256:" + "a" * 64, "sha256:" + "b" * 64, "a__b-c.d:v1.0_rc"])
def test_good_image_references_pass(ref):
    assert blocking(validate_run(RunSpec("subnet", image=ref, network_id=SUBNET.id), SNAP)) == []


@pytest.mark.parametrize("ref, words", [
    ("Ubuntu", "repository names are lowercase: ubuntu"),
    ("x:-bad", "the tag '-bad'"),
    ("x:y/z", "is not an image name"),
    ("a..b", "is not an image name"),
    ("a/b@sha256:short", "is not a digest"),
])
def test_bad_image_references_say_why(ref, words):
    assert words in problems(validate_run(RunSpec("subnet", image=ref, network_id=SUBNET.id), SNAP))


def test_image_references_split_at_the_tag_not_at_a_registry_port():
    assert images.split_reference("localhost:5000/x") == ("localhost:5000/x", "latest")
    assert images.split_reference("localhost:5000/x:v1") == ("localhost:5000/x", "v1")
    assert images.split_reference("netui/busybox:local") == ("netui/busybox", "local")
    assert images.split_reference("busybox") == ("busybox", "latest")
