"""ZPL II (Zebra).

``^CI28`` makes the field data UTF-8. The QR code is ``^BQN,2,<magnification>``; its field
data starts with ``<error level><input mode>,``. A payload of QR alphanumeric characters
(the ``VP1:`` credential) is given in manual mode, ``MM,A<data>``, so the printer makes
the alphanumeric symbol the layout measured (automatic mode may choose byte mode and a
bigger version); anything else goes in automatic mode, ``MA,<data>``. The Code 128 is
``^BC`` in mode N with explicit subset invocation codes (``>;`` start C, ``>:`` start B,
``>5``/``>6`` switch) taken from our encoder, so the printed symbol is module for module
the one in the PNG.

Text is a ``^GF`` bitmap drawn from the bundled font by default, so a printer without a
Chinese font prints it; ``printer_fonts=True`` uses the printer's scalable ``cjk_font``
(``E:ANMDS.TTF``, Zebra's Simplified Chinese) instead. Every field whose data holds ``^``,
``~`` or ``_`` is sent with ``^FH`` and those characters as ``_5E``, ``_7E``, ``_5F``: data
can never start a command.
"""

from __future__ import annotations

from ._printer_bitmaps import printable, text_rasters
from ._printer_text import cells
from .barcode128 import Code128
from .layout import LabelLayout

CJK_FONT = "E:ANMDS.TTF"
_HEX_ESCAPES = {"_": "_5F", "^": "_5E", "~": "_7E"}


def field_data(text: str) -> str:
    """``^FD<text>^FS``, preceded by ``^FH`` with hex escapes when the text needs them."""
    text = printable(text)
    if not any(ch in _HEX_ESCAPES for ch in text):
        return f"^FD{text}^FS"
    return "^FH^FD" + "".join(_HEX_ESCAPES.get(ch, ch) for ch in text) + "^FS"


def _code128_data(symbol: Code128) -> str:
    parts: list[str] = []
    for index, segment in enumerate(symbol.segments):
        if index == 0:
            parts.append(">;" if segment.code_set == "C" else ">:")
        else:
            parts.append(">5" if segment.code_set == "C" else ">6")
        parts.append(segment.text.replace(">", "><"))
    return "".join(parts)


def render_zpl(
    layout: LabelLayout,
    *,
    copies: int = 1,
    printer_fonts: bool = False,
    cjk_font: str = CJK_FONT,
) -> bytes:
    """The ZPL job (UTF-8) for one label, ``copies`` times."""
    out: list[str] = [
        "^XA",
        "^CI28",
        f"^PW{layout.width}",
        f"^LL{layout.height}",
        "^LH0,0",
    ]
    qr = layout.qr
    mode = f"{qr.error_level}M,A" if qr.alphanumeric else f"{qr.error_level}A,"
    out.append(f"^FO{qr.symbol_x},{qr.symbol_y}^BQN,2,{qr.module}" + field_data(mode + qr.payload))
    if layout.barcode is not None:
        bc = layout.barcode
        out.append(
            f"^FO{bc.x},{bc.y}^BY{bc.module},3,{bc.height}^BCN,{bc.height},N,N,N,N"
            + field_data(_code128_data(bc.symbol))
        )
    if printer_fonts:
        out.extend(_font_lines(layout, cjk_font))
    else:
        for raster in text_rasters(layout):
            total = raster.width_bytes * raster.height
            out.append(
                f"^FO{raster.x},{raster.y}^GFA,{total},{total},{raster.width_bytes},"
                f"{raster.data.hex().upper()}^FS"
            )
    out.append(f"^PQ{copies},0,1,Y")
    out.append("^XZ")
    return ("\n".join(out) + "\n").encode("utf-8")


def _font_lines(layout: LabelLayout, cjk_font: str) -> list[str]:
    lines: list[str] = []
    for box in layout.texts:
        # Scalable font: shrink to fit, but below 3/4 of the line drop the English captions.
        text = box.text
        height = min(box.height, box.width * 2 // max(1, cells(text)))
        if height * 4 < box.height * 3:
            text = box.short
            height = min(box.height, box.width * 2 // max(1, cells(text)))
        lines.append(
            f"^FO{box.x},{box.y}^A@N,{height},{height},{cjk_font}^FB{box.width},1,0,L,0"
            + field_data(text)
        )
    return lines
