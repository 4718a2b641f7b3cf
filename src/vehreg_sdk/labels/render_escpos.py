"""ESC/POS (receipt printers: Epson and the many compatible Chinese models).

Native mode prints the QR code with ``GS ( k`` functions 165 (model 2), 167 (module
size), 169 (error level), 180 (store the token) and 181 (print), and the Code 128 with
``GS k`` (m = 73) using the code sets our encoder chose (``GS k`` needs them explicitly).
Text lines are ``GS v 0`` images drawn from the bundled font by default (no printer font
needed); ``printer_fonts=True`` sends GB 18030 text in Chinese mode (``FS &``) instead,
without control characters. Printers without ``GS ( k`` get ``raster=True``: the whole
label as the same 1-bit image as the PNG, sent with ``GS v 0``.
"""

from __future__ import annotations

from ._printer_bitmaps import Raster, printable, text_rasters
from ._printer_text import gb18030
from .barcode128 import Code128
from .layout import LabelLayout

ESC, GS, FS, LF = b"\x1b", b"\x1d", b"\x1c", b"\n"
INIT = ESC + b"@"
CHINESE_ON, CHINESE_OFF = FS + b"&", FS + b"."
ALIGN_LEFT, ALIGN_CENTER = ESC + b"a\x00", ESC + b"a\x01"
SIZE_NORMAL, SIZE_DOUBLE = GS + b"!\x00", GS + b"!\x11"
FEED_AND_CUT = ESC + b"d\x03" + GS + b"V\x42\x00"
_QR_LEVEL = {"L": 48, "M": 49, "Q": 50, "H": 51}


def _qr_function(fn: int, payload: bytes) -> bytes:
    """``GS ( k pL pH cn=49 fn payload``; ``fn`` is 65..81 (functions 165..181)."""
    length = len(payload) + 2
    return GS + b"(k" + length.to_bytes(2, "little") + bytes([49, fn]) + payload


def qr_commands(token: str, module: int, level: str) -> bytes:
    data = token.encode("utf-8")
    return b"".join(
        [
            _qr_function(65, bytes([50, 0])),  # 165: model 2
            _qr_function(67, bytes([max(1, min(16, module))])),  # 167: module size in dots
            _qr_function(69, bytes([_QR_LEVEL[level]])),  # 169: error correction level
            _qr_function(80, b"0" + data),  # 180: store the data (m = 48)
            _qr_function(81, b"0"),  # 181: print it
        ]
    )


def code128_commands(symbol: Code128, module: int, height: int) -> bytes:
    data = bytearray()
    for segment in symbol.segments:
        if segment.code_set == "C":
            data += b"{C" + bytes(
                int(segment.text[i : i + 2]) for i in range(0, len(segment.text), 2)
            )
        else:
            data += b"{B" + segment.text.replace("{", "{{").encode("ascii")
    return (
        GS
        + b"h"
        + bytes([max(1, min(255, height))])
        + GS
        + b"w"
        + bytes([max(2, min(6, module))])
        + GS
        + b"H\x00"  # no human-readable line: the vehicle code is printed as text
        + GS
        + b"kI"
        + bytes([len(data)])
        + bytes(data)
    )


def _image(raster: Raster) -> bytes:
    return (
        GS
        + b"v0\x00"
        + raster.width_bytes.to_bytes(2, "little")
        + raster.height.to_bytes(2, "little")
        + raster.data
    )


def render_escpos(
    layout: LabelLayout, *, raster: bool = False, cut: bool = True, printer_fonts: bool = False
) -> bytes:
    """The ESC/POS job for one label: native commands, or one raster image if ``raster``."""
    if raster:
        return INIT + raster_commands(layout) + (FEED_AND_CUT if cut else LF * 3)
    if printer_fonts:
        texts = {box.role: gb18030(printable(box.text)) + LF for box in layout.texts}
        out = bytearray(INIT + CHINESE_ON + ALIGN_CENTER)
        out += texts["title"] + SIZE_DOUBLE + texts["plate"] + SIZE_NORMAL
    else:
        texts = {
            box.role: _image(image) + LF
            for box, image in zip(layout.texts, text_rasters(layout), strict=True)
        }
        out = bytearray(INIT + ALIGN_CENTER)
        out += texts["title"] + texts["plate"]
    out += qr_commands(layout.label.qr_payload, layout.qr.module, layout.qr.error_level)
    out += LF
    if layout.barcode is not None:
        bc = layout.barcode
        out += code128_commands(bc.symbol, bc.module, bc.height) + LF
    out += ALIGN_LEFT
    for role in ("store", "vehicle_code", "model", "meta"):
        out += texts[role]
    out += (CHINESE_OFF if printer_fonts else b"") + (FEED_AND_CUT if cut else LF * 3)
    return bytes(out)


def raster_commands(layout: LabelLayout) -> bytes:
    """``GS v 0``: the label as a 1-bit image, 1 = black, rows padded to whole bytes."""
    from PIL import ImageChops

    from .render_png import render_image

    image = ImageChops.invert(render_image(layout).convert("L")).convert("1")
    width_bytes = (image.width + 7) // 8
    data = image.tobytes()  # mode "1" packs MSB first, rows padded to whole bytes
    return (
        GS
        + b"v0\x00"
        + width_bytes.to_bytes(2, "little")
        + image.height.to_bytes(2, "little")
        + data
    )
