"""TSPL / TSPL2 (TSC and the many compatible Chinese label printers).

The printer draws the QR code (``QRCODE`` with model 2 named explicitly: TSC's default is
model 1, which cannot hold a plate token) and the Code 128 (``BARCODE "128"``: the
printer chooses the code sets, TSPL needs none from us), from the same layout. A payload
of QR alphanumeric characters (the ``VP1:`` credential) is given in manual mode with
``A`` before the data, so the printer makes the alphanumeric symbol the layout measured.

Text is a ``BITMAP`` drawn from the bundled font by default (many printers sold in shops
have no Chinese font). ``printer_fonts=True`` uses the resident GB 2312 font
``TSS24.BF2`` in GB 18030 instead: a line too long for its 24-dot cells drops its English
caption, then is shortened with "…". Strings are quoted with ``\\["]`` for ``"`` and lose
control characters, so no text can end a command.
"""

from __future__ import annotations

from ._printer_bitmaps import printable, text_rasters
from ._printer_text import cells, gb18030, shorten
from .layout import LabelLayout

GB_FONT = "TSS24.BF2"
_FONT_DOTS = 24
GAP_MM = 2


def quote(text: str) -> str:
    """A TSPL string literal's content: ``"`` as ``\\["]``, no control characters."""
    return printable(text).replace('"', '\\["]')


def render_tspl(
    layout: LabelLayout, *, copies: int = 1, gap_mm: int = GAP_MM, printer_fonts: bool = False
) -> bytes:
    """The TSPL job (CRLF line ends) that prints ``copies`` of the label."""
    lines: list[bytes] = [
        f"SIZE {layout.width_mm} mm,{layout.height_mm} mm".encode(),
        f"GAP {gap_mm} mm,0 mm".encode(),
        b"DIRECTION 1,0",
        b"REFERENCE 0,0",
        b"CLS",
    ]
    qr = layout.qr
    mode, data = ("M", "A" + qr.payload) if qr.alphanumeric else ("A", qr.payload)
    lines.append(
        f'QRCODE {qr.symbol_x},{qr.symbol_y},{qr.error_level},{qr.module},{mode},0,M2,S7,"'
        f'{quote(data)}"'.encode()
    )
    if layout.barcode is not None:
        bc = layout.barcode
        lines.append(
            f'BARCODE {bc.x},{bc.y},"128",{bc.height},0,0,{bc.module},{bc.module},'
            f'"{quote(bc.symbol.text)}"'.encode()
        )
    if printer_fonts:
        lines.extend(gb18030(line) for line in _font_lines(layout))
    else:
        for raster in text_rasters(layout):
            # BITMAP prints the 0 bits; the binary data is followed by the line end.
            lines.append(
                f"BITMAP {raster.x},{raster.y},{raster.width_bytes},{raster.height},0,".encode()
                + raster.inverted()
            )
    lines.append(f"PRINT 1,{copies}".encode())
    return b"\r\n".join(lines) + b"\r\n"


def _font_lines(layout: LabelLayout) -> list[str]:
    lines: list[str] = []
    for box in layout.texts:
        text = box.text if cells(box.text) * _FONT_DOTS // 2 <= box.width else box.short
        multiplier = max(1, box.height // _FONT_DOTS)
        while multiplier > 1 and cells(text) * _FONT_DOTS // 2 * multiplier > box.width:
            multiplier -= 1
        text = shorten(text, box.width // (_FONT_DOTS // 2 * multiplier))
        lines.append(
            f'TEXT {box.x},{box.y},"{GB_FONT}",0,{multiplier},{multiplier},"{quote(text)}"'
        )
    return lines
