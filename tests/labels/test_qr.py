"""QR codes written by zxing-cpp: every version and level, random payloads, module-exact
images, each read back by zxing-cpp and by a second, independent decoder (OpenCV)."""

from __future__ import annotations

import random
import string

import pytest
import qrcode
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from qrcode.util import MODE_ALPHA_NUM, QRData

from vehreg_sdk import VehregError
from vehreg_sdk.labels import qr

from .decode import decode
from .independent import opencv_decode

BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def image_of(matrix: qr.QrMatrix, scale: int = 4) -> Image.Image:
    """The symbol with a 4-module quiet zone, ``scale`` pixels a module, exactly."""
    side = matrix.size + 8
    image = Image.new("L", (side, side), 255)
    for r in range(matrix.size):
        for c in range(matrix.size):
            if matrix.is_dark(r, c):
                image.putpixel((c + 4, r + 4), 0)
    return image.resize((side * scale, side * scale), Image.Resampling.NEAREST)


def test_every_version_and_level_reads_back_with_both_decoders() -> None:
    rng = random.Random(12)
    seen: dict[str, set[int]] = {level: set() for level in "LMQH"}
    for level in "LMQH":
        for length in [1, 10, 25, 47, 80, 120, 180, 221, 300, 420, 600, 900, 1300, 1800, 2500]:
            payload = "".join(rng.choice(BASE45) for _ in range(length))
            try:
                matrix = qr.encode(payload, level)  # type: ignore[arg-type]
            except qr.QrCapacityError:
                continue
            assert matrix.size == 17 + 4 * matrix.version
            assert matrix.error_level == level
            image = image_of(matrix, scale=4)
            assert decode(image, "QRCode") == {"QRCode": [payload]}, (level, length)
            if matrix.version <= 20:  # OpenCV's detector is the weaker reader on big symbols
                assert opencv_decode(image) == payload, (level, length)
            seen[level].add(matrix.version)
    assert all(len(versions) >= 10 for versions in seen.values()), seen


@pytest.mark.parametrize("version_target", range(1, 41))
def test_each_version_is_reachable_at_level_m(version_target: int) -> None:
    # Alphanumeric capacity at level M grows with the version: find a payload per version.
    low, high = 1, 4296
    while low < high:
        middle = (low + high) // 2
        if qr.encode("A" * middle, "M").version < version_target:
            low = middle + 1
        else:
            high = middle
    matrix = qr.encode("A" * low, "M")
    assert matrix.version == version_target
    assert decode(image_of(matrix, scale=2), "QRCode") == {"QRCode": ["A" * low]}


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet=string.printable.strip() + " ", min_size=1, max_size=400))
def test_random_payloads_read_back(text: str) -> None:
    matrix = qr.encode(text, "M")
    image = image_of(matrix)
    assert decode(image, "QRCode") == {"QRCode": [text]}
    assert opencv_decode(image) == text


def test_a_credential_is_alphanumeric_and_version_8() -> None:
    payload = "VP1:" + "".join(random.Random(3).choice(BASE45) for _ in range(217))
    assert qr.is_alphanumeric(payload)
    assert qr.encode(payload, "M").version == 8  # 221 characters: the budget


def test_errors_are_vehreg_errors_in_two_languages() -> None:
    with pytest.raises(qr.QrCapacityError) as too_big:
        qr.encode(b"x" * 3000, "H")
    with pytest.raises(qr.QrErrorLevelError) as bad_level:
        qr.encode("x", "X")  # type: ignore[arg-type]
    for error in (too_big.value, bad_level.value):
        assert isinstance(error, VehregError)
        assert error.message and error.message_zh and error.message != error.message_zh


def test_row_runs_cover_exactly_the_dark_modules() -> None:
    matrix = qr.encode("runs", "M")
    for row in range(matrix.size):
        dark = {c for c in range(matrix.size) if matrix.is_dark(row, c)}
        from_runs = {c for start, n in matrix.row_runs(row) for c in range(start, start + n)}
        assert from_runs == dark


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=BASE45, min_size=1, max_size=1500), st.sampled_from("LMQH"))
def test_alphanumeric_version_is_what_a_printer_makes(payload: str, level: str) -> None:
    """ZPL/TSPL get manual alphanumeric mode: the layout plans for that symbol (qrcode's
    tables as the reference), which is never smaller than zxing-cpp's own choice."""
    code = qrcode.QRCode(error_correction=LEVELS[level])
    code.add_data(QRData(payload.encode(), mode=MODE_ALPHA_NUM))
    code.make(fit=True)
    planned = qr.alphanumeric_version(len(payload), level)  # type: ignore[arg-type]
    assert planned == code.version
    assert qr.symbol_size(payload, level)[0] == planned  # type: ignore[arg-type]
    assert qr.encode(payload, level).version <= planned  # type: ignore[arg-type]
