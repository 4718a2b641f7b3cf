"""A small renderer of parsed printer jobs, standing in for the printer: bitmaps where the job
puts them, and the QR code made by an independent encoder (``qrcode``) from the job's own
field data, error level, input mode and module size, as the printer's firmware would."""

from __future__ import annotations

import qrcode
from PIL import Image
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

from .printer_parsers import Bitmap, Parsed

LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def bitmap_image(bitmap: Bitmap) -> Image.Image:
    """1 = black rows, MSB first, as a white-background image."""
    ones = Image.frombytes("1", (bitmap.width_bytes * 8, bitmap.height), bitmap.data)
    return Image.eval(ones.convert("L"), lambda v: 255 - v)


def printer_qr(payload: str, level: str, *, alphanumeric: bool, module: int) -> Image.Image:
    """The symbol a printer makes, ``module`` dots a module, no quiet zone; ``.version`` set."""
    code = qrcode.QRCode(error_correction=LEVELS[level], border=0, box_size=module)
    mode = MODE_ALPHA_NUM if alphanumeric else MODE_8BIT_BYTE
    code.add_data(QRData(payload.encode("ascii"), mode=mode))
    code.make(fit=True)
    image = code.make_image().get_image().convert("L")
    image.info["version"] = code.version
    return image


def render_job(
    parsed: Parsed, size: tuple[int, int], level: str, alphanumeric: bool
) -> Image.Image:
    """The label as the printer would print it (barcodes left out: the QR code is the point)."""
    canvas = Image.new("L", size, 255)
    for bitmap in parsed.bitmaps:
        canvas.paste(bitmap_image(bitmap), (bitmap.x, bitmap.y))
    for payload, (x, y, module) in zip(parsed.qr_payloads, parsed.qr_positions, strict=True):
        symbol = printer_qr(payload, level, alphanumeric=alphanumeric, module=module)
        canvas.paste(symbol, (x, y))
        canvas.info["qr_version"] = symbol.info["version"]
    return canvas
