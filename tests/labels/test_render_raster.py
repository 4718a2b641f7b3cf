"""Every raster output decodes with zxing-cpp back to exactly its input: PNG, SVG (rasterised
with resvg), PDF (rasterised with PDFium), the A4 sheet and the ESC/POS raster job. The QR
code is also read by OpenCV, and its token verified by the independent ``cwt`` library."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pypdfium2
import pytest
import resvg_py
from PIL import Image

from vehreg_sdk.labels import PlateLabel, layout_label, render, render_sheet
from vehreg_sdk.labels.render_escpos import render_escpos

from .decode import decode, with_border
from .independent import cose_claims, opencv_decode

SIZES = ["50x30", "60x40"]
DPIS = [203, 300]
VEHICLE_CODES = [
    "320712345678901",  # numeric, odd length
    "991234567890123",  # numeric starting with 99 (python-barcode #251)
    "99",
    "LYG2026A0012345",  # alphanumeric
]


def _expect(label: PlateLabel) -> dict[str, list[str]]:
    return {"QRCode": [label.plate_credential or ""], "Code128": [label.vehicle_code]}


def _independently(image: Image.Image, label: PlateLabel, jwks: dict[str, Any]) -> None:
    """OpenCV reads the same token, and ``cwt`` verifies it against the bureau's keys."""
    token = opencv_decode(with_border(image))
    assert token == label.plate_credential
    assert cose_claims(token, jwks)[-1] == label.plate_number


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("vehicle_code", VEHICLE_CODES)
def test_png_decodes_exactly(
    make_label: Callable[..., PlateLabel],
    jwks: dict[str, Any],
    size: str,
    dpi: int,
    vehicle_code: str,
) -> None:
    label = make_label(vehicle_code=vehicle_code)
    png = render(label, "png", size=size, dpi=dpi)
    image = Image.open(io.BytesIO(png))
    layout = layout_label(label, size, dpi)
    assert image.size == (layout.width, layout.height)
    assert image.mode == "1"
    assert tuple(round(v) for v in image.info["dpi"]) == (dpi, dpi)
    assert decode(with_border(image), "QRCode", "Code128") == _expect(label)
    _independently(image, label, jwks)
    # Module-exact: the QR area is the matrix, each module a square of module x module dots.
    box = layout.qr
    for row in range(box.matrix.size):
        for col in range(box.matrix.size):
            x, y = box.symbol_x + col * box.module, box.symbol_y + row * box.module
            pixels = image.crop((x, y, x + box.module, y + box.module)).getcolors()
            assert pixels == [(box.module**2, 0 if box.matrix.is_dark(row, col) else 255)]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("dpi", DPIS)
def test_svg_decodes_exactly(
    make_label: Callable[..., PlateLabel], jwks: dict[str, Any], size: str, dpi: int
) -> None:
    label = make_label(vehicle_code="991234567890123")
    svg = render(label, "svg", size=size, dpi=dpi)
    assert svg.startswith(b"<?xml") and f'width="{size.split("x")[0]}.'.encode() in svg
    assert b"<text" not in svg  # glyph outlines: no font needed to view it
    png = resvg_py.svg_to_bytes(
        svg_string=svg.decode(), dpi=dpi, skip_system_fonts=True, background="#ffffff"
    )
    image = Image.open(io.BytesIO(png))
    assert decode(with_border(image), "QRCode", "Code128") == _expect(label)
    _independently(image, label, jwks)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("dpi", DPIS)
def test_pdf_decodes_exactly(
    make_label: Callable[..., PlateLabel], jwks: dict[str, Any], size: str, dpi: int
) -> None:
    label = make_label(vehicle_code="LYG2026A0012345")
    pdf = pypdfium2.PdfDocument(render(label, "pdf", size=size, dpi=dpi))
    page = pdf[0]
    w_mm, h_mm = (int(x) for x in size.split("x"))
    assert page.get_size() == pytest.approx((w_mm * 72 / 25.4, h_mm * 72 / 25.4), abs=0.01)
    text = page.get_textpage().get_text_range()
    assert "苏G·A12345" in text and "海州区雅迪电动车专卖店" in text  # real text, no tofu
    image = page.render(scale=300 / 72).to_pil()
    assert decode(with_border(image), "QRCode", "Code128") == _expect(label)
    _independently(image, label, jwks)


def test_a4_sheet_of_many_labels(make_label: Callable[..., PlateLabel]) -> None:
    labels = [make_label(vehicle_code=f"99{i:013d}", plate=f"苏G·C{i:05d}") for i in range(40)]
    pdf = pypdfium2.PdfDocument(render_sheet(labels, size="50x30"))
    assert len(pdf) == 2  # 36 per page
    page = pdf[1]
    assert page.get_size() == pytest.approx((595.28, 841.89), abs=0.1)
    image = page.render(scale=300 / 72).to_pil().convert("L")
    mm = 300 / 25.4
    # Labels 36..39 are the first four cells of page 2: decode each cell on its own.
    for index in range(36, 40):
        column = index % 36 % 4
        x0, y0 = round((5 + column * 50) * mm), round((297 - 9 * 30) / 2 * mm)
        cell = image.crop((x0, y0, x0 + round(50 * mm), y0 + round(30 * mm)))
        assert decode(with_border(cell), "QRCode", "Code128") == _expect(labels[index])


def _raster_from_escpos(job: bytes) -> Image.Image:
    start = job.index(b"\x1dv0\x00")
    width_bytes = int.from_bytes(job[start + 4 : start + 6], "little")
    height = int.from_bytes(job[start + 6 : start + 8], "little")
    data = job[start + 8 : start + 8 + width_bytes * height]
    inverted = Image.frombytes("1", (width_bytes * 8, height), data)  # 1 = black in GS v 0
    return Image.eval(inverted.convert("L"), lambda v: 255 - v)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("dpi", DPIS)
def test_escpos_raster_fallback_decodes_exactly(
    make_label: Callable[..., PlateLabel], jwks: dict[str, Any], size: str, dpi: int
) -> None:
    label = make_label(vehicle_code="9900112233")
    layout = layout_label(label, size, dpi)
    job = render_escpos(layout, raster=True)
    assert job.startswith(b"\x1b@") and b"\x1d(k" not in job
    image = _raster_from_escpos(job)
    assert image.height == layout.height and image.width >= layout.width
    assert decode(with_border(image), "QRCode", "Code128") == _expect(label)
    _independently(image, label, jwks)
