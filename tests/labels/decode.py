"""Decoding helpers: every raster check goes through zxing-cpp, an independent decoder."""

from __future__ import annotations

import io
from typing import Any

import zxingcpp
from PIL import Image


def decode(image: Any, *formats: str) -> dict[str, list[str]]:
    """Texts zxing-cpp reads from ``image`` (PIL image or PNG bytes), by format name."""
    if isinstance(image, bytes | bytearray):
        image = Image.open(io.BytesIO(image))
    found: dict[str, list[str]] = {}
    for result in zxingcpp.read_barcodes(image.convert("L")):
        name = result.format.name
        if not formats or name in formats:
            found.setdefault(name, []).append(result.text)
    return found


def with_border(image: Image.Image, pixels: int = 40) -> Image.Image:
    """The image on a white margin (a label's edge is its Code 128 quiet zone's outer limit)."""
    framed = Image.new("L", (image.width + 2 * pixels, image.height + 2 * pixels), 255)
    framed.paste(image.convert("L"), (pixels, pixels))
    return framed
