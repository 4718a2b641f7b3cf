"""Read the plate token back from a label file this package wrote (``vehreg label verify``).

Images (PNG, JPEG, a photo) are decoded with zxing-cpp. SVG labels are drawn back from
their QR rectangles and decoded the same way; PDF labels are rasterised with pypdfium2 when
it is installed. Printer jobs carry the token as QR field data: ZPL ``^BQ`` (``^FH``
escapes undone), TSPL ``QRCODE`` and ESC/POS ``GS ( k`` function 180; an ESC/POS raster
job is decoded as an image. Anything else raises :class:`LabelReadError` (English and
Chinese), never a traceback.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from ._errors import LabelError


class LabelReadError(LabelError):
    """No plate token could be read from the file."""

    code = "label.unreadable"


def _none_found(path: Path, what: str, what_zh: str) -> LabelReadError:
    return LabelReadError(
        f"no plate token found in {path} ({what})", f"文件 {path} 中没有找到号牌令牌（{what_zh}）"
    )


def _decode_image(image: Any, path: Path) -> str:
    import zxingcpp
    from PIL import Image

    framed = Image.new("L", (image.width + 80, image.height + 80), 255)
    framed.paste(image.convert("L"), (40, 40))
    for result in zxingcpp.read_barcodes(framed):
        if result.format == zxingcpp.BarcodeFormat.QRCode:
            return str(result.text)
    raise _none_found(path, "no QR code in the image", "图片中没有二维码")


_SVG_RECT = re.compile(r"M([\d.]+) ([\d.]+)h([\d.]+)v([\d.]+)h-[\d.]+z")
_SVG_QR_PATH = re.compile(r'<path aria-label="QR"[^>]* d="([^"]*)"')
_SVG_SIZE = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def _svg(data: bytes, path: Path) -> str:
    """Our SVG draws the QR code as one path of rectangles (mm): draw them back, decode."""
    from PIL import Image, ImageDraw

    text = data.decode("utf-8", errors="replace")
    size, found = _SVG_SIZE.search(text), _SVG_QR_PATH.search(text)
    if size is None or found is None:
        raise _none_found(path, "not a label SVG written by vehreg", "不是 vehreg 生成的标签 SVG")
    scale = 20  # pixels per mm: a module of 0.25 mm is 5 pixels
    width, height = (round(float(v) * scale) for v in size.groups())
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h in _SVG_RECT.findall(found.group(1)):
        left, top = round(float(x) * scale), round(float(y) * scale)
        right, bottom = round((float(x) + float(w)) * scale), round((float(y) + float(h)) * scale)
        draw.rectangle((left, top, right - 1, bottom - 1), fill=0)
    return _decode_image(image, path)


def _pdf(data: bytes, path: Path) -> str:
    try:
        import pypdfium2
    except ImportError as exc:
        raise LabelReadError(
            f"reading the PDF {path} needs pypdfium2: pip install pypdfium2 (or verify the "
            "PNG, or scan the printed label)",
            f"读取 PDF 文件 {path} 需要 pypdfium2：pip install pypdfium2"
            "（或核验 PNG 文件、扫描标签）",
        ) from exc
    try:
        document = pypdfium2.PdfDocument(data)
        image = document[0].render(scale=300 / 72).to_pil()
    except pypdfium2.PdfiumError as exc:
        raise _none_found(path, "not a readable PDF", "PDF 无法读取") from exc
    return _decode_image(image, path)


def _zpl(data: bytes, path: Path) -> str:
    text = data.decode("utf-8", errors="replace")
    found = re.search(r"\^BQ[^\^]*(\^FH)?\^FD(.*?)\^FS", text, re.DOTALL)
    if found is None:
        raise _none_found(path, "no ^BQ field", "没有 ^BQ 二维码字段")
    field = found.group(2)
    if found.group(1):
        field = re.sub(r"_([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), field)
    _, _, payload = field.partition(",")
    # Manual mode names the character mode first: "A" alphanumeric.
    return payload[1:] if field[1:2] == "M" else payload


def _tspl(data: bytes, path: Path) -> str:
    for line in data.split(b"\r\n"):
        if line.startswith(b"QRCODE "):
            text = line.decode("gb18030", errors="replace")
            args = text.split(",", 6)
            quoted = text[text.index('"') + 1 : text.rindex('"')].replace('\\["]', '"')
            return quoted[1:] if len(args) > 4 and args[4] == "M" else quoted
    raise _none_found(path, "no QRCODE command", "没有 QRCODE 指令")


def _escpos(data: bytes, path: Path) -> str:
    marker = data.find(b"\x1d(k")
    while marker >= 0:
        length = int.from_bytes(data[marker + 3 : marker + 5], "little")
        body = data[marker + 5 : marker + 5 + length]
        if body[:3] == b"1P0":  # cn 49, fn 80 (function 180), m 48: the stored data
            return body[3:].decode("utf-8", errors="replace")
        marker = data.find(b"\x1d(k", marker + 5 + length)
    raster = data.find(b"\x1dv0\x00")
    if raster >= 0:
        from PIL import Image

        width_bytes = int.from_bytes(data[raster + 4 : raster + 6], "little")
        height = int.from_bytes(data[raster + 6 : raster + 8], "little")
        bits = data[raster + 8 : raster + 8 + width_bytes * height]
        if width_bytes and len(bits) == width_bytes * height:
            image = Image.frombytes("1", (width_bytes * 8, height), bits)
            return _decode_image(Image.eval(image.convert("L"), lambda v: 255 - v), path)
    raise _none_found(path, "no QR code in the ESC/POS job", "ESC/POS 指令中没有二维码")


def read_token(path: str | Path) -> str:
    """The text of the label's QR code (the plate token), whatever label format ``path`` is.

    Raises :class:`LabelReadError` when there is none, or ``OSError`` when the file
    cannot be read.
    """
    path = Path(path)
    data = path.read_bytes()
    head = data[:512].lstrip()
    if head.startswith(b"%PDF"):
        return _pdf(data, path)
    if head.startswith((b"<?xml", b"<svg")):
        return _svg(data, path)
    if head.startswith(b"^XA") or b"^BQ" in head:
        return _zpl(data, path)
    if head.startswith(b"SIZE "):
        return _tspl(data, path)
    if head.startswith(b"\x1b@"):
        return _escpos(data, path)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return _decode_image(image, path)
    except (UnidentifiedImageError, OSError) as exc:
        raise _none_found(
            path, "not a label image, PDF, SVG or printer job", "不是标签图片、PDF、SVG 或打印指令"
        ) from exc
