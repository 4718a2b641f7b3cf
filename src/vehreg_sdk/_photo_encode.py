"""The pixel work of :func:`vehreg_sdk.photos.prepare_photo` (Pillow): orient, reduce, encode.

Kept apart from the public module so that importing :mod:`vehreg_sdk.photos`
costs nothing until a photo really has to be re-encoded.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageOps

from ._errors import VehregError

if TYPE_CHECKING:
    from .photos import PhotoLimits

#: Each round that does not fit the byte limit at the lowest quality shrinks the photo so much.
_SHRINK = 0.8


def encode_jpeg(image: Any, limits: PhotoLimits) -> tuple[bytes, tuple[int, int]]:
    """``image`` upright, sRGB, at most ``limits`` in pixels and bytes, as a clean JPEG."""
    if image.format == "JPEG":
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the photo is that much too big:
        # a 12 MB photo then costs a fraction of the time and memory.
        image.draft("RGB", (limits.long_side, limits.long_side))
    # GPS first: the EXIF block (GPS, the phone's serial, the time) is never copied. Only its
    # orientation is read, and applied to the pixels.
    upright = ImageOps.exif_transpose(image) or image
    rgb = _to_srgb(upright)
    rgb.thumbnail((limits.long_side, limits.long_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
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
    image.save(out, "JPEG", quality=quality, optimize=True, exif=b"", icc_profile=None)
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
    clean = image.convert("RGB") if image.mode != "RGB" else image.copy()
    clean.info = {}
    return clean
