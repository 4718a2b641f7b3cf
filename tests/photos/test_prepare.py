"""Photos as phones take them: 4-12 MB JPEGs turned by EXIF, with GPS; HEIC from iPhones.

Every photo here is generated at a phone's size (``vehreg_sdk.testing.phone_photo``):
noise over gradients, so it compresses like a real photo, with a red square in
the stored image's top-left corner to tell which way it ends up.
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import pytest
from PIL import Image

from vehreg_sdk.photos import MAX_BYTES, MAX_LONG_SIDE, PhotoError, prepare_photo
from vehreg_sdk.testing.photos import SAMPLE_JPEG, SAMPLE_PNG, phone_photo

GPS_TAG = 0x8825


def _red(image: Image.Image, x: float, y: float) -> bool:
    r, g, b = image.convert("RGB").getpixel(
        (int(x * (image.width - 1)), int(y * (image.height - 1)))
    )
    return r > 200 and g < 80 and b < 80


def _assert_clean(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif() and GPS_TAG not in image.getexif()
    assert "icc_profile" not in image.info and "exif" not in image.info and "xmp" not in image.info
    assert b"Fictional Phone" not in data and b"Exif" not in data
    return image


@pytest.fixture(scope="module")
def photo_7mb() -> bytes:
    data = phone_photo((4032, 3024), orientation=6)
    assert 4_000_000 <= len(data) <= 12_000_000
    return data


def test_a_phone_jpeg_is_upright_small_and_without_gps(photo_7mb: bytes, tmp_path: Path) -> None:
    source = tmp_path / "IMG_0042.JPG"
    source.write_bytes(photo_7mb)
    before = (hashlib.sha256(source.read_bytes()).hexdigest(), source.stat().st_mtime_ns)
    original = Image.open(source)
    assert original.getexif()[0x0112] == 6 and original.getexif().get_ifd(GPS_TAG)

    prepared = prepare_photo(source)

    assert prepared.changed and prepared.content_type == "image/jpeg"
    assert prepared.filename == "IMG_0042.jpg"
    assert len(prepared.data) <= MAX_BYTES
    image = _assert_clean(prepared.data)
    # Orientation 6: stored landscape, shown turned 90° clockwise, so portrait and the
    # stored top-left corner (the red square) ends up top-right.
    assert image.size == (prepared.width, prepared.height) and max(image.size) == MAX_LONG_SIDE
    assert image.width < image.height
    assert _red(image, 0.97, 0.03) and not _red(image, 0.03, 0.03)
    # The original on disk was only read.
    assert (hashlib.sha256(source.read_bytes()).hexdigest(), source.stat().st_mtime_ns) == before


@pytest.mark.parametrize("orientation", [1, 3, 8])
def test_every_orientation_ends_upright(orientation: int) -> None:
    data = phone_photo((1600, 1200), orientation=orientation, quality=80)
    image = _assert_clean(prepare_photo(data).data)
    corner = {1: (0.03, 0.03), 3: (0.97, 0.97), 8: (0.03, 0.97)}[orientation]
    assert _red(image, *corner)
    assert (image.width > image.height) == (orientation in (1, 3))


def test_a_12_mb_photo_still_fits() -> None:
    data = phone_photo((6000, 4500), orientation=1, quality=90)
    assert len(data) >= 10_000_000
    prepared = prepare_photo(data)
    assert len(prepared.data) <= MAX_BYTES and max(prepared.width, prepared.height) <= MAX_LONG_SIDE
    _assert_clean(prepared.data)


def test_a_prepared_photo_is_returned_as_it_is(photo_7mb: bytes) -> None:
    once = prepare_photo(photo_7mb)
    twice = prepare_photo(once.data)
    assert not twice.changed and twice.data == once.data
    for sample, content_type in ((SAMPLE_JPEG, "image/jpeg"), (SAMPLE_PNG, "image/png")):
        same = prepare_photo(sample)
        assert same.data == sample and same.content_type == content_type


def test_a_png_with_a_profile_and_text_becomes_a_clean_jpeg() -> None:
    from PIL import ImageCms, PngImagePlugin

    image = Image.new("RGBA", (900, 700), (10, 120, 200, 255))
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "GPS 34.58N 119.17E")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=text, icc_profile=profile)
    prepared = prepare_photo(out.getvalue(), filename="scan.png")
    assert prepared.changed and prepared.filename == "scan.jpg"
    assert b"34.58N" not in prepared.data
    _assert_clean(prepared.data)


def test_heic_becomes_jpeg() -> None:
    data = phone_photo((2016, 1512), orientation=6, format="HEIF", quality=80)
    assert data[4:12] == b"ftypheic"
    prepared = prepare_photo(data, filename="IMG_0001.HEIC")
    assert prepared.content_type == "image/jpeg" and prepared.filename == "IMG_0001.jpg"
    image = _assert_clean(prepared.data)
    assert image.width < image.height and _red(image, 0.97, 0.03)


def test_heic_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    monkeypatch.setitem(sys.modules, "pillow_heif", None)
    with pytest.raises(PhotoError) as info:
        prepare_photo(heic, filename="IMG_0001.HEIC")
    assert "vehreg-sdk[heic]" in info.value.message and "vehreg-sdk[heic]" in info.value.message_zh
    assert "HEIC" in info.value.message_zh


def test_without_pillow_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(PhotoError) as info:
        prepare_photo(SAMPLE_JPEG)
    assert "vehreg-sdk[photos]" in info.value.message and "Pillow" in info.value.message_zh
    assert "prepare=False" in info.value.message


@pytest.mark.parametrize("data", [b"", b"\xff\xd8\xff\xe0" + b"\x00" * 64, b"%PDF-1.7 ..."])
def test_what_is_not_a_photo_is_refused_in_both_languages(data: bytes) -> None:
    with pytest.raises(PhotoError) as info:
        prepare_photo(data, filename="front.jpg")
    assert "front.jpg" in info.value.message and "照片" in info.value.message_zh


def test_a_truncated_photo_is_refused_not_sent(photo_7mb: bytes) -> None:
    with pytest.raises(PhotoError):
        prepare_photo(photo_7mb[: len(photo_7mb) // 3])
