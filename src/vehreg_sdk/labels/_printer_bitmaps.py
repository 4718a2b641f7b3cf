"""Text lines as 1-bit bitmaps for printer languages (ZPL ``^GF``, TSPL ``BITMAP``, ESC/POS
``GS v 0``), drawn from the bundled font exactly as the PNG draws them.

Many shop printers have no Chinese font (TSPL ``TSS24.BF2`` and ZPL ``E:ANMDS.TTF`` are
options, not standard), so by default the job carries the text as pictures. Pillow is
imported only here, when a job is rendered that way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import fonts
from .layout import LabelLayout, TextBox


@dataclass(frozen=True, slots=True)
class Raster:
    """A bitmap at (``x``, ``y``) dots: rows of ``width_bytes`` bytes, MSB first, 1 = black."""

    x: int
    y: int
    width: int
    height: int
    width_bytes: int
    data: bytes

    def inverted(self) -> bytes:
        """The same rows with 1 = white (TSPL ``BITMAP`` prints the 0 bits)."""
        return bytes(255 - value for value in self.data)


@lru_cache(maxsize=512)
def _line(path: str, index: int, size: int, text: str, width: int) -> tuple[int, int, bytes]:
    """(width, height, rows with 1 = black) of one line. Cached: captions, store, model and
    date repeat from label to label."""
    from PIL import ImageChops

    from .render_png import _text_bitmap

    bitmap = _text_bitmap(path, index, size, text)
    bitmap = bitmap.crop((0, 0, min(bitmap.width, width), bitmap.height))
    black_is_one = ImageChops.invert(bitmap.convert("L")).convert("1")
    return black_is_one.width, black_is_one.height, black_is_one.tobytes()


def text_raster(box: TextBox, font: fonts.LabelFont) -> Raster:
    """``box.text`` as the PNG renderer draws it, cut to the box's width."""
    from .render_png import fit_font_size

    size = fit_font_size(font, box)
    width, height, data = _line(str(font.path), font.index, size, box.text, box.width)
    return Raster(
        x=box.x, y=box.y, width=width, height=height, width_bytes=(width + 7) // 8, data=data
    )


def text_rasters(layout: LabelLayout) -> list[Raster]:
    """Every text line of the label, in layout order."""
    font = fonts.font_for(layout.label.all_text())
    return [text_raster(box, font) for box in layout.texts]


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def printable(text: str) -> str:
    """``text`` without control characters, which could end or start a printer command."""
    return _CONTROL.sub("", text)
