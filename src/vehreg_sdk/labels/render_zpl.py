"""ZPL II (Zebra).

``^CI28`` makes the field data UTF-8. The QR code is ``^BQN,2,<magnification>`` and its
field data starts with ``<error level><input mode>,`` -- ``MA,`` here: level M like every
other format, automatic input mode. (``QA,`` in Zebra's manual is the same prefix at
level Q; leaving the prefix out makes the printer eat the first two characters of the
token.) The Code 128 is ``^BC`` in mode N with explicit subset invocation codes
(``>;`` start C, ``>:`` start B, ``>5``/``>6`` switch) taken from our encoder, so the
printed symbol is module for module the one in the PNG. Chinese text needs a CJK font on
the printer; ``E:ANMDS.TTF`` (Zebra's Andale Mono Simplified Chinese) by default.
"""

from __future__ import annotations

from ._printer_text import cells
from .barcode128 import Code128
from .layout import LabelLayout

CJK_FONT = "E:ANMDS.TTF"


def _field(text: str) -> str:
    # ^ and ~ are ZPL command prefixes; \\ is not special with ^FH off. Replace the two.
    return text.replace("^", "＾").replace("~", "～")


def _code128_data(symbol: Code128) -> str:
    parts: list[str] = []
    for index, segment in enumerate(symbol.segments):
        if index == 0:
            parts.append(">;" if segment.code_set == "C" else ">:")
        else:
            parts.append(">5" if segment.code_set == "C" else ">6")
        parts.append(segment.text.replace(">", "><"))
    return "".join(parts)


def render_zpl(layout: LabelLayout, *, copies: int = 1, cjk_font: str = CJK_FONT) -> bytes:
    """The ZPL job (UTF-8) for one label, ``copies`` times."""
    out: list[str] = [
        "^XA",
        "^CI28",
        f"^PW{layout.width}",
        f"^LL{layout.height}",
        "^LH0,0",
    ]
    qr = layout.qr
    out.append(
        f"^FO{qr.symbol_x},{qr.symbol_y}^BQN,2,{qr.module}"
        f"^FD{qr.error_level}A,{_field(layout.label.qr_payload)}^FS"
    )
    if layout.barcode is not None:
        bc = layout.barcode
        out.append(
            f"^FO{bc.x},{bc.y}^BY{bc.module},3,{bc.height}^BCN,{bc.height},N,N,N,N"
            f"^FD{_code128_data(bc.symbol)}^FS"
        )
    for box in layout.texts:
        # Scalable font: shrink to fit, but below 3/4 of the line drop the English captions.
        text = box.text
        height = min(box.height, box.width * 2 // max(1, cells(text)))
        if height * 4 < box.height * 3:
            text = box.short
            height = min(box.height, box.width * 2 // max(1, cells(text)))
        out.append(
            f"^FO{box.x},{box.y}^A@N,{height},{height},{cjk_font}"
            f"^FB{box.width},1,0,L,0^FD{_field(text)}^FS"
        )
    out.append(f"^PQ{copies},0,1,Y")
    out.append("^XZ")
    return ("\n".join(out) + "\n").encode("utf-8")
