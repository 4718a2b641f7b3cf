"""Our QR encoder is module-for-module the symbol qrcode makes, and zxing-cpp reads it."""

from __future__ import annotations

import random

import pytest
import qrcode
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from qrcode.util import MODE_8BIT_BYTE, QRData

from vehreg_sdk.labels import qr

from .decode import decode

LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def reference(data: bytes, level: str) -> tuple[int, list[str]]:
    code = qrcode.QRCode(error_correction=LEVELS[level], border=0)
    code.add_data(QRData(data, mode=MODE_8BIT_BYTE))
    code.make(fit=True)
    rows = ["".join("1" if dark else "0" for dark in row) for row in code.get_matrix()]
    return code.version, rows


def image_of(matrix: qr.QrMatrix, scale: int = 4) -> Image.Image:
    side = matrix.size + 8
    image = Image.new("L", (side, side), 255)
    for r in range(matrix.size):
        for c in range(matrix.size):
            if matrix.is_dark(r, c):
                image.putpixel((c + 4, r + 4), 0)
    return image.resize((side * scale, side * scale), Image.Resampling.NEAREST)


@pytest.mark.parametrize("level", "LMQH")
def test_same_symbol_as_qrcode_for_every_version(level: str) -> None:
    rng = random.Random(level)
    versions = set()
    for length in [0, 1, 7, 20, 50, 100, 180, 260, 384, 450, 700, 1000, 1400, 2000, 2900]:
        data = bytes(rng.randrange(256) for _ in range(length))
        try:
            matrix = qr.encode(data, level)  # type: ignore[arg-type]
        except qr.QrCapacityError:
            continue
        version, rows = reference(data, level)
        assert (matrix.version, matrix.as_text()) == (version, rows), (length, level)
        versions.add(version)
    assert len(versions) >= 8


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_same_symbol_as_qrcode_for_any_text(text: str) -> None:
    matrix = qr.encode(text, "M")
    assert (matrix.version, matrix.as_text()) == reference(text.encode("utf-8"), "M")


@pytest.mark.parametrize("text", ["A", "苏G·A12345", "x" * 384, "0123456789" * 40])
def test_zxing_reads_back_exactly_the_input(text: str) -> None:
    matrix = qr.encode(text, "M")
    assert decode(image_of(matrix), "QRCode") == {"QRCode": [text]}


def test_capacity_error_and_bad_level() -> None:
    with pytest.raises(qr.QrCapacityError):
        qr.encode(b"x" * 3000, "H")
    with pytest.raises(ValueError):
        qr.encode("x", "X")  # type: ignore[arg-type]


def test_row_runs_cover_exactly_the_dark_modules() -> None:
    matrix = qr.encode("runs", "M")
    for row in range(matrix.size):
        dark = {c for c in range(matrix.size) if matrix.is_dark(row, c)}
        from_runs = {c for start, n in matrix.row_runs(row) for c in range(start, start + n)}
        assert from_runs == dark
