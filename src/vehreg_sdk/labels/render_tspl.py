"""TSPL / TSPL2 (TSC and the many compatible Chinese label printers).

The printer draws the QR code (``QRCODE`` with model 2 named explicitly: TSC's default is
model 1, which cannot hold a plate token) and the Code 128 (``BARCODE "128"``) itself,
from the same layout as the PNG. Text uses the resident GB 2312 font ``TSS24.BF2``,
encoded in GB 18030. A line too long for the 24-dot cells drops its English caption
(``整车编码 Code 3207…`` becomes ``3207…``), and if still too long is shortened with "…"
(the QR code and the other formats keep it whole).
"""

from __future__ import annotations

from ._printer_text import cells, gb18030, shorten
from .layout import LabelLayout

GB_FONT = "TSS24.BF2"
_FONT_DOTS = 24
GAP_MM = 2


def _quote(text: str) -> str:
    # TSPL strings cannot hold a double quote; \["] is the escape.
    return text.replace('"', '\\["]')


def render_tspl(layout: LabelLayout, *, copies: int = 1, gap_mm: int = GAP_MM) -> bytes:
    """The TSPL job (CRLF line ends, GB 18030 text) that prints ``copies`` of the label."""
    lines: list[str] = [
        f"SIZE {layout.width_mm} mm,{layout.height_mm} mm",
        f"GAP {gap_mm} mm,0 mm",
        "DIRECTION 1,0",
        "REFERENCE 0,0",
        "CLS",
    ]
    qr = layout.qr
    lines.append(
        f"QRCODE {qr.symbol_x},{qr.symbol_y},{qr.error_level},{qr.module},A,0,M2,S7,"
        f'"{_quote(layout.label.qr_payload)}"'
    )
    if layout.barcode is not None:
        bc = layout.barcode
        lines.append(
            f'BARCODE {bc.x},{bc.y},"128",{bc.height},0,0,{bc.module},{bc.module},'
            f'"{_quote(bc.symbol.text)}"'
        )
    for box in layout.texts:
        text = box.text if cells(box.text) * _FONT_DOTS // 2 <= box.width else box.short
        multiplier = max(1, box.height // _FONT_DOTS)
        while multiplier > 1 and cells(text) * _FONT_DOTS // 2 * multiplier > box.width:
            multiplier -= 1
        text = shorten(text, box.width // (_FONT_DOTS // 2 * multiplier))
        lines.append(
            f'TEXT {box.x},{box.y},"{GB_FONT}",0,{multiplier},{multiplier},"{_quote(text)}"'
        )
    lines.append(f"PRINT 1,{copies}")
    return gb18030("\r\n".join(lines) + "\r\n")
