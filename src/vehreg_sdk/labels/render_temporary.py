"""Draw a :class:`~.temporary_plate.TemporaryPlateSheet` as PDF (fpdf2, vector) or PNG (Pillow).

Both draw the same lines (:func:`~.temporary_plate.sheet_texts`) and the same QR code (the
credential, error level M), on landscape A5 or A4; A4 scales the A5 layout by 297/210.
"""

from __future__ import annotations

import io

from . import fonts, qr
from .render_pdf import _fill, _module_runs, _new_pdf, _use_font
from .temporary_plate import QR_BOX, TemporaryPlateSheet, paper_size, sheet_texts

__all__ = ["render_temporary_plate"]

_A5_WIDTH = 210.0
_QUIET = 4  # modules of white around the symbol, as QR requires


def _scale(paper: str) -> float:
    return paper_size(paper)[0] / _A5_WIDTH


def _pdf(sheet: TemporaryPlateSheet, paper: str) -> bytes:
    width, height = paper_size(paper)
    k = _scale(paper)
    pdf = _new_pdf((width, height))
    pdf.set_title(sheet.plate_number)
    pdf.add_page()
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.6 * k)
    pdf.rect(10 * k, 8 * k, width - 20 * k, height - 16 * k, style="D")
    texts = sheet_texts(sheet)
    font = fonts.font_for("".join(t.text for t in texts))
    _use_font(pdf, font)
    units, ascent, descent = fonts.vertical_metrics(font.path, font.index)
    pdf.set_text_color(0, 0, 0)
    for line in texts:
        em_mm = line.height * k * units / (ascent + descent)
        pdf.set_font_size(em_mm * 72 / 25.4)
        text_width = pdf.get_string_width(line.text)
        if text_width > line.width * k:
            em_mm *= line.width * k / text_width
            pdf.set_font_size(em_mm * 72 / 25.4)
        pdf.text(line.x * k, line.y * k + em_mm * ascent / units, line.text)
    if sheet.credential is not None:
        matrix = qr.encode(sheet.credential, "M")
        x, y, side = (value * k for value in QR_BOX)
        unit = side / (matrix.size + 2 * _QUIET)
        pdf.set_fill_color(0, 0, 0)
        origin_x, origin_y = x + _QUIET * unit, y + _QUIET * unit
        _fill(pdf, origin_x, origin_y, unit, unit, _module_runs(matrix.as_text()))
    return bytes(pdf.output())


def _png(sheet: TemporaryPlateSheet, paper: str, dpi: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    width, height = paper_size(paper)
    k = _scale(paper)

    def px(mm: float) -> int:
        return round(mm * k * dpi / 25.4)

    image = Image.new("L", (round(width * dpi / 25.4), round(height * dpi / 25.4)), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((px(10), px(8), px(_A5_WIDTH - 10), image.height - px(8)), outline=0,
                   width=max(1, px(0.6)))  # fmt: skip
    texts = sheet_texts(sheet)
    font = fonts.font_for("".join(t.text for t in texts))
    for line in texts:
        size = max(8, px(line.height) * 100 // _line_height(font))
        face = ImageFont.truetype(str(font.path), size=size, index=font.index)
        length = face.getlength(line.text)
        if length > px(line.width):
            size = max(8, int(size * px(line.width) / length))
            face = ImageFont.truetype(str(font.path), size=size, index=font.index)
        draw.text((px(line.x), px(line.y)), line.text, font=face, fill=0, anchor="la")
    if sheet.credential is not None:
        matrix = qr.encode(sheet.credential, "M")
        x, y, side = (px(value) for value in QR_BOX)
        module = max(1, side // (matrix.size + 2 * _QUIET))
        for row in range(matrix.size):
            for col in range(matrix.size):
                if matrix.is_dark(row, col):
                    left = x + (col + _QUIET) * module
                    top = y + (row + _QUIET) * module
                    draw.rectangle((left, top, left + module - 1, top + module - 1), fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def _line_height(font: fonts.LabelFont) -> int:
    """Pixels of one line at size 100 (ascent + descent)."""
    from PIL import ImageFont

    ascent, descent = ImageFont.truetype(str(font.path), size=100, index=font.index).getmetrics()
    return max(1, ascent + descent)


def render_temporary_plate(
    sheet: TemporaryPlateSheet, format: str = "pdf", *, paper: str = "A5", dpi: int = 200
) -> bytes:
    """The plate (or the receipt, for a sheet without a credential) as ``pdf`` or ``png``.

    ``paper``: ``A5`` (default) or ``A4``, landscape. ``dpi`` applies to PNG.
    """
    from ._errors import LabelLayoutError

    paper_size(paper)  # an unknown paper is refused before anything is drawn
    if format == "pdf":
        return _pdf(sheet, paper)
    if format == "png":
        return _png(sheet, paper, dpi)
    raise LabelLayoutError(
        f"unknown format {format!r} for a temporary plate; use pdf or png",
        f"临时号牌不支持格式 {format!r}，可选 pdf、png",
    )
