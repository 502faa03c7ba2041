"""netui.text: engine strings made printable and short."""

from __future__ import annotations


def test_short_labels_stay_apart():
    from netui.text import short_labels

    names = ["hostile-1b4e-a", "hostile-1b4e-b-renamed", "hostile-1b4e-np", "hostile-1b4e-paused"]
    got = short_labels(names, 14)
    assert got == ["hostile-1b4e-a", "…b-renamed", "…np", "…paused"]
    assert all(len(x) <= 14 for x in got) and len(set(got)) == len(got)
    long = [f"project-with-a-long-name-service-{i}" for i in (1, 2)]
    got = short_labels(long, 14)
    assert len(set(got)) == 2 and all(len(x) <= 14 for x in got) and got[0].endswith("1") and got[1].endswith("2")
    assert "\x1b" not in short_labels(["a\x1bb"], 14)[0]  # printable, as every engine string
    assert short_labels(["web"], 14) == ["web"]
