"""The pixel work of :func:`vehreg_sdk.photos.prepare_photo` (Pillow): orient, reduce, encode.

Kept apart from the public module so that importing :mod:`vehreg_sdk.photos`
costs nothing until a photo really has to be re-encoded.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from PIL import Image

from ._errors import VehregError

if TYPE_CHECKING:
    from .photos import PhotoLimits

#: Each round that does not fit the byte limit at the lowest quality shrinks the photo so much.
_SHRINK = 0.8


#: EXIF orientation -> the transposition that makes the pixels upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def encode_jpeg(image: Any, limits: PhotoLimits) -> tuple[bytes, tuple[int, int]]:
    """``image`` upright, sRGB, at most ``limits`` in pixels and bytes, as a clean JPEG."""
    # GPS first: the EXIF block (GPS, the phone's serial, the time) is never copied. Only its
    # orientation is read, and applied to the pixels.
    try:
        orientation = int(image.getexif().get(0x0112, 1))
    except Exception:  # an unreadable EXIF block: treated as upright, and dropped
        orientation = 1
    scale = min(1.0, limits.long_side / max(image.size))
    target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if image.format == "JPEG" and scale < 1.0:
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the photo is that much too big:
        # a 12 MB photo then costs a fraction of the time and memory.
        image.draft("RGB", target)
    rgb = _to_srgb(image)
    # Reduced before it is turned: turning the small image is the cheaper order.
    # Bicubic: for a reduction of at most 2x (after the draft) as sharp as Lanczos to the eye,
    # at half its cost on a 12-megapixel photo (bench/bench_photos.py).
    rgb.thumbnail(target, Image.Resampling.BICUBIC, reducing_gap=2.0)
    if orientation in _UPRIGHT:
        rgb = rgb.transpose(_UPRIGHT[orientation])
    while True:
        for quality in range(limits.quality, limits.min_quality - 1, -5):
            data = _save(rgb, quality)
            if len(data) <= limits.max_bytes:
                return data, rgb.size
        smaller = (max(1, int(rgb.width * _SHRINK)), max(1, int(rgb.height * _SHRINK)))
        if max(smaller) < 320:
            raise VehregError(  # pragma: no cover - a 320 px JPEG is far under 50 kB
                "the photo cannot be made small enough", "照片无法压缩到规定大小"
            )
        rgb = rgb.resize(smaller, Image.Resampling.LANCZOS)


def _save(image: Any, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=b"", icc_profile=None)
    return out.getvalue()


def _to_srgb(image: Any) -> Any:
    """RGB pixels in sRGB, no profile, no metadata (transparency flattened onto white)."""
    profile = image.info.get("icc_profile")
    if profile:
        try:
            from PIL import ImageCms

            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(
                image.convert("RGB"), source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
            if converted is not None:
                image = converted
        except Exception:  # noqa: S110 - a broken profile: the pixels are sent as they are
            pass
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    # Our own decoded image (never the caller's file): no copy needed for an RGB one.
    clean = image.convert("RGB") if image.mode != "RGB" else image
    clean.info = {}
    return clean
