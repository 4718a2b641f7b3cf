"""PNG (Pillow): a 1-bit image at the printer's own resolution, exactly as a thermal head prints.

Pillow is imported when a label is drawn, not when ``vehreg_sdk.labels`` is.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import TYPE_CHECKING

from . import fonts
from .layout import BarcodeBox, LabelLayout, QrBox, TextBox

if TYPE_CHECKING:
    from PIL import Image, ImageFont


@lru_cache(maxsize=64)
def _font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(path, size=size, index=index)


@lru_cache(maxsize=8)
def _height_per_em(path: str, index: int) -> float:
    ascent, descent = _font(path, index, 100).getmetrics()
    return (ascent + descent) / 100


def fit_font_size(font: fonts.LabelFont, box: TextBox, measure: bool = True) -> int:
    """The largest size (px) at which ``box.text`` fits its box, and at least 8 px."""
    path, index = str(font.path), font.index
    size = max(8, int(box.height / _height_per_em(path, index)))
    if measure:
        length = _font(path, index, size).getlength(box.text)
        if length > box.width:
            size = max(8, int(size * box.width / length))
    return size


def qr_image(qr_box: QrBox) -> Image.Image:
    """The QR symbol with its quiet zone, ``qr_box.module`` pixels per module."""
    from PIL import Image

    matrix = qr_box.matrix
    n = matrix.size
    row_bytes = (n + 7) // 8
    pad = row_bytes * 8 - n
    raw = b"".join((value << pad).to_bytes(row_bytes) for value in matrix.rows)
    symbol = Image.frombytes("1", (n, n), raw, "raw", "1;I")
    side = n + 2 * qr_box.quiet
    image = Image.new("1", (side, side), 1)
    image.paste(symbol, (qr_box.quiet, qr_box.quiet))
    return image.resize((side * qr_box.module, side * qr_box.module), Image.Resampling.NEAREST)


def barcode_image(box: BarcodeBox) -> Image.Image:
    from PIL import Image

    modules = box.symbol.modules
    raw = bytes(0 if m == "1" else 255 for m in modules)
    line = Image.frombytes("L", (len(modules), 1), raw).convert("1", dither=Image.Dither.NONE)
    return line.resize((len(modules) * box.module, box.height), Image.Resampling.NEAREST)


@lru_cache(maxsize=512)
def _text_bitmap(path: str, index: int, size: int, text: str) -> Image.Image:
    """One line of text, 1-bit, top-left at the ascender line. Cached: on a till or in a
    campus batch most lines (captions, store, model, date) repeat from label to label."""
    from PIL import Image, ImageDraw

    face = _font(path, index, size)
    _, _, right, bottom = face.getbbox(text, mode="1", anchor="la")
    bitmap = Image.new("1", (max(1, int(right)), max(1, int(bottom))), 1)
    draw = ImageDraw.Draw(bitmap)
    draw.fontmode = "1"
    draw.text((0, 0), text, font=face, fill=0, anchor="la")
    return bitmap


def draw_text(image: Image.Image, box: TextBox, font: fonts.LabelFont) -> None:
    """Draw ``box.text`` at the box's top-left, as large as fits the box."""
    size = fit_font_size(font, box)
    image.paste(_text_bitmap(str(font.path), font.index, size, box.text), (box.x, box.y))


def render_image(layout: LabelLayout) -> Image.Image:
    """The label as a 1-bit Pillow image of ``layout.width`` x ``layout.height`` dots."""
    from PIL import Image

    font = fonts.font_for(layout.label.all_text())
    image = Image.new("1", (layout.width, layout.height), 1)
    # Text first: a glyph's bitmap may reach past its box, never over the codes.
    for box in layout.texts:
        draw_text(image, box, font)
    image.paste(qr_image(layout.qr), (layout.qr.x, layout.qr.y))
    if layout.barcode is not None:
        image.paste(barcode_image(layout.barcode), (layout.barcode.x, layout.barcode.y))
    return image


def render_png(layout: LabelLayout) -> bytes:
    """PNG bytes of the label, tagged with its dpi so it prints at the right size."""
    buffer = io.BytesIO()
    render_image(layout).save(buffer, format="PNG", dpi=(layout.dpi, layout.dpi), optimize=False)
    return buffer.getvalue()
