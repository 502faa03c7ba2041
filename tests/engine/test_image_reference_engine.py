"""An image reference with a registry port is tagged where docker would tag it (issue 9 item 15)."""

from __future__ import annotations

import pytest

from netui.engine.image import ensure_local_image, image_exists

pytestmark = pytest.mark.engine


def test_an_image_with_a_registry_port_is_tagged_where_docker_would(engine, lab):
    tag = f"localhost:5000/{lab.prefix.rstrip('-')}/busybox"
    try:
        assert ensure_local_image(engine, tag, applets=("sleep",)) is True
        assert image_exists(engine, tag)
        assert f"{tag}:latest" in engine.api.inspect_image(tag)["RepoTags"]
    finally:
        try:
            engine.api.remove_image(tag)
        except Exception:
            pass
