"""Printer jobs, printed by a stand-in printer (``printer_render``) and read back: the QR code
of every job carries the credential, which the independent ``cwt`` library verifies, at the
version the layout measured; the text bitmaps are the PNG's text, dot for dot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PIL import ImageChops

from vehreg_sdk.labels import PlateLabel, layout_label, render
from vehreg_sdk.labels.render_png import render_image

from .conftest import ISSUED_AT
from .decode import decode, with_border
from .independent import cose_claims, opencv_decode
from .printer_parsers import Parsed, parse_escpos, parse_tspl, parse_zpl
from .printer_render import bitmap_image, printer_qr, render_job

CASES = [("50x30", 203), ("60x40", 203), ("50x30", 300), ("60x40", 300)]


def _check_token(text: str, label: PlateLabel, jwks: dict[str, Any]) -> None:
    assert text == label.plate_credential
    claims = cose_claims(text, jwks)
    assert claims[-1] == label.plate_number and claims[6] == ISSUED_AT


def _check_bitmaps(parsed: Parsed, layout: Any) -> None:
    page = render_image(layout).convert("L")
    assert len(parsed.bitmaps) == len(layout.texts)
    for bitmap, box in zip(parsed.bitmaps, layout.texts, strict=True):
        image = bitmap_image(bitmap)
        width = box.width if image.width > box.width else image.width
        drawn = image.crop((0, 0, min(width, page.width - box.x), image.height))
        on_png = page.crop((box.x, box.y, box.x + drawn.width, box.y + drawn.height))
        assert ImageChops.difference(drawn, on_png).getbbox() is None, box.role


@pytest.mark.parametrize(("size", "dpi"), CASES)
@pytest.mark.parametrize("fmt", ["zpl", "tspl"])
def test_label_printer_job_prints_a_verifiable_version_8_code(
    make_label: Callable[..., PlateLabel], jwks: dict[str, Any], fmt: str, size: str, dpi: int
) -> None:
    label = make_label(vehicle_code="991234567890123")
    layout = layout_label(label, size, dpi)
    job = render(layout, fmt)
    parsed = parse_zpl(job) if fmt == "zpl" else parse_tspl(job)
    image = render_job(parsed, (layout.width, layout.height), "M", alphanumeric=True)
    assert image.info["qr_version"] == layout.qr.version <= 8
    found = decode(with_border(image), "QRCode")["QRCode"]
    assert len(found) == 1
    _check_token(found[0], label, jwks)
    _check_token(opencv_decode(with_border(image)), label, jwks)
    _check_bitmaps(parsed, layout)


@pytest.mark.parametrize(("size", "dpi"), CASES)
def test_escpos_native_job_prints_a_verifiable_code(
    make_label: Callable[..., PlateLabel], jwks: dict[str, Any], size: str, dpi: int
) -> None:
    label = make_label()
    layout = layout_label(label, size, dpi)
    parsed = parse_escpos(render(layout, "escpos"))
    (payload,) = parsed.qr_payloads
    # GS ( k has no input-mode setting: the firmware chooses, alphanumeric for this payload.
    symbol = printer_qr(payload, "M", alphanumeric=True, module=layout.qr.module)
    assert symbol.info["version"] == layout.qr.version
    found = decode(with_border(symbol), "QRCode")["QRCode"]
    _check_token(found[0], label, jwks)
    _check_token(opencv_decode(with_border(symbol)), label, jwks)
    _check_bitmaps(parsed, layout)
