"""Photos for tests and demos: a tiny real JPEG, and phone-sized photos with EXIF and GPS.

:data:`SAMPLE_JPEG` is a real 8 x 8 grey JPEG (630 bytes) without metadata: it
passes :func:`vehreg_sdk.photos.prepare_photo` unchanged, so demos and tests
can upload it without Pillow doing any work. :func:`phone_photo` makes what a
phone saves (Pillow needed): thousands of pixels a side, several megabytes, an
EXIF orientation and GPS coordinates (fictional: the middle of Lianyungang).
"""

from __future__ import annotations

import io
from typing import Any

__all__ = ["SAMPLE_JPEG", "SAMPLE_PNG", "phone_photo"]

SAMPLE_JPEG: bytes = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a1816"
    "16183123251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c6567"
    "63ffdb0043011112121815182f1a1a2f63423842636363636363636363636363636363636363636363636363"
    "6363636363636363636363636363636363636363636363636363ffc000110800080008030122000211010311"
    "01ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303"
    "020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f024"
    "33627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a63646566"
    "6768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7"
    "b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffc400"
    "1f0100030101010101010101010000000000000102030405060708090a0bffc400b511000201020404030407"
    "05040400010277000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a"
    "162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a63646566676869"
    "6a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9"
    "bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9faffda000c030100"
    "02110311003f00e928a28a00ffd9"
)

#: A real 8 x 8 PNG without metadata (77 bytes): also passes unchanged.
SAMPLE_PNG: bytes = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000080000000808020000004b6d29dc000000144944415478"
    "9c6394b38962c00698b08a0e5a0900920400c44fa311980000000049454e44ae426082"
)

#: 34°35'N 119°10'E, roughly Haizhou district: fictional, but a real place.
_GPS = {1: "N", 2: (34.0, 35.0, 12.0), 3: "E", 4: (119.0, 10.0, 5.0)}


def phone_photo(
    size: tuple[int, int] = (4032, 3024),
    *,
    orientation: int = 6,
    gps: bool = True,
    format: str = "JPEG",
    quality: int = 92,
) -> bytes:
    """A photo as a phone saves it: ``size`` pixels as stored (before the EXIF rotation).

    The picture is noise over gradients (a real photo's detail, so it compresses
    like one: about 7 MB at 4032 x 3024, quality 92), with a bright red square
    in the stored image's top-left corner to tell how it was turned. ``format``
    ``HEIF`` needs ``pillow-heif``.
    """
    from PIL import Image, ImageDraw

    noise = Image.effect_noise(size, 40)
    across = Image.linear_gradient("L").resize(size)
    around = Image.radial_gradient("L").resize(size)
    image = Image.merge(
        "RGB", [noise, Image.blend(across, noise, 0.3), Image.blend(around, noise, 0.3)]
    )
    side = min(size) // 5
    ImageDraw.Draw(image).rectangle((0, 0, side, side), fill=(255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Fictional Phone Co."
    if gps:
        exif.get_ifd(0x8825).update(_GPS)
    options: dict[str, Any] = {"quality": quality, "exif": exif.tobytes()}
    if format.upper() in ("HEIF", "HEIC"):
        import pillow_heif

        pillow_heif.register_heif_opener()
        format = "HEIF"
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()
