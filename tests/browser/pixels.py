"""Pixels of a PNG screenshot, without an imaging library: Chromium's screenshots are
8-bit RGB or RGBA, not interlaced, so decoding is zlib plus the five PNG row filters."""

from __future__ import annotations

import struct
import zlib
from collections import Counter


class Image:
    def __init__(self, png: bytes) -> None:
        assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
        pos, idat = 8, b""
        while pos < len(png):
            length, kind = struct.unpack(">I4s", png[pos:pos + 8])
            body = png[pos + 8:pos + 8 + length]
            if kind == b"IHDR":
                self.width, self.height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
                assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
                self.channels = 3 if color == 2 else 4
            elif kind == b"IDAT":
                idat += body
            pos += 12 + length
        raw = zlib.decompress(idat)
        bpp, stride = self.channels, self.width * self.channels
        rows: list[bytearray] = []
        prev = bytearray(stride)
        for y in range(self.height):
            f = raw[y * (stride + 1)]
            line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                if f == 1:
                    line[i] = (line[i] + a) & 0xFF
                elif f == 2:
                    line[i] = (line[i] + b) & 0xFF
                elif f == 3:
                    line[i] = (line[i] + (a + b) // 2) & 0xFF
                elif f == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
            rows.append(line)
            prev = line
        self.rows = rows

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        i = x * self.channels
        r = self.rows[y]
        return r[i], r[i + 1], r[i + 2]

    def colours(self, box: tuple[int, int, int, int] | None = None, step: int = 2) -> Counter:
        """How often each colour occurs in box (x0, y0, x1, y1), sampling every `step` pixels."""
        x0, y0, x1, y1 = box or (0, 0, self.width, self.height)
        return Counter(self.pixel(x, y) for y in range(y0, y1, step) for x in range(x0, x1, step))

    def differing(self, other: Image, box: tuple[int, int, int, int] | None = None, step: int = 2) -> int:
        x0, y0, x1, y1 = box or (0, 0, self.width, self.height)
        return sum(
            1 for y in range(y0, y1, step) for x in range(x0, x1, step) if self.pixel(x, y) != other.pixel(x, y)
        )


def hex_rgb(value: str) -> tuple[int, int, int]:
    v = value.lstrip("#")
    return int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16)


def close(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 4) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def luminance(c: tuple[int, int, int]) -> float:
    return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255
