"""Photos as phones take them, made ready for the bureau: upright, small, JPEG, no metadata.

The clerk photographs the bike, the fitted plate and the owner's ID with a
phone or a tablet: 4-12 MB JPEGs, HEIC from iPhones, turned by an EXIF tag,
carrying GPS coordinates. The bureau takes JPEG or PNG up to 5 MB.
:func:`prepare_photo` turns such a photo into what the bureau takes:

1. **metadata stripped**, GPS first: the pixels are re-encoded without EXIF,
   XMP, IPTC, comments or an ICC profile (colours are first converted to sRGB
   so that dropping the profile does not change them). A photo's location and
   the phone's serial number are personal data; nothing of them is sent;
2. **upright**: the EXIF orientation is applied to the pixels;
3. **downsized** to at most :data:`MAX_LONG_SIDE` pixels on the long side and
   :data:`MAX_BYTES` bytes (JPEG quality from 85 down to 60, then smaller
   steps of size): well under the bureau's 5 MB, still sharp enough to read
   an ID card's number and a plate in review;
4. **HEIC/HEIF to JPEG** when the ``heic`` extra (``pillow-heif``) is
   installed; without it a HEIC photo is refused with an error naming the extra.

A photo that is already a JPEG or PNG within the limits, upright and without
metadata is returned byte for byte (so preparing twice changes nothing). The
file on disk is only read, never modified. Needs Pillow: the ``photos`` extra
(``pip install 'vehreg-sdk[photos]'``); ``heic`` adds HEIC.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from ._errors import VehregError

__all__ = [
    "MAX_BYTES",
    "MAX_LONG_SIDE",
    "PhotoError",
    "PhotoLimits",
    "PreparedPhoto",
    "is_heif",
    "photos_from_json",
    "prepare_photo",
]

#: The long side of a prepared photo, in pixels (an ID card across the frame stays legible).
MAX_LONG_SIDE: Final = 2560
#: The size of a prepared photo, in bytes: well under the bureau's 5 MB.
MAX_BYTES: Final = 1_500_000
BUREAU_LIMIT_BYTES: Final = 5 * 1024 * 1024

_HEIF_BRANDS: Final = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")
#: What Pillow reports of a JPEG or PNG that is not metadata about the person or the phone.
_HARMLESS_INFO: Final = frozenset(
    {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive", "progression",
     "adobe", "adobe_transform", "gamma", "srgb", "aspect", "transparency"}
)  # fmt: skip


class PhotoError(VehregError, ValueError):
    """A photo cannot be prepared (not an image, HEIC without the extra, Pillow missing)."""


@dataclass(frozen=True, slots=True)
class PhotoLimits:
    """How far a photo is reduced: the long side (px), the size (bytes) and the JPEG quality."""

    long_side: int = MAX_LONG_SIDE
    max_bytes: int = MAX_BYTES
    quality: int = 85
    min_quality: int = 60

    def __post_init__(self) -> None:
        if self.long_side < 320 or not 50_000 <= self.max_bytes <= BUREAU_LIMIT_BYTES:
            raise ValueError(
                "long_side >= 320 px and max_bytes 50 kB to 5 MB / "
                "长边至少 320 像素，大小 50 kB 至 5 MB"
            )


DEFAULT_LIMITS: Final = PhotoLimits()


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    """A photo ready to upload: its bytes, content type, file name and size in pixels."""

    data: bytes
    content_type: str
    filename: str
    width: int
    height: int
    changed: bool
    """False when the input was already fit to send and is returned as it was."""

    def __repr__(self) -> str:  # the bytes are a person's photo: never in a log
        return (
            f"PreparedPhoto({self.filename!r}, {self.content_type}, {self.width}x{self.height}, "
            f"{len(self.data)} bytes, changed={self.changed})"
        )


def _read(source: bytes | os.PathLike[str] | str | IO[bytes]) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), ""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return path.read_bytes(), path.name
        except OSError as exc:
            raise PhotoError(
                f"cannot read the photo {path.name}: {exc.strerror or exc}",
                f"无法读取照片 {path.name}：{exc.strerror or exc}",
            ) from exc
    return source.read(), str(getattr(source, "name", "") or "")


def is_heif(data: bytes) -> bool:
    """HEIC/HEIF (an ISO-BMFF ``ftyp`` box with a HEIF brand), what iPhones save."""
    return len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _pillow() -> Any:
    try:
        from PIL import Image
    except ImportError as exc:
        raise PhotoError(
            "preparing photos needs Pillow: pip install 'vehreg-sdk[photos]' "
            "(or pass prepare=False to send the file as it is)",
            "处理照片需要 Pillow：pip install 'vehreg-sdk[photos]'"
            "（或传入 prepare=False 按原样发送）",
        ) from exc
    return Image


def _register_heif() -> None:
    try:
        import pillow_heif
    except ImportError as exc:
        raise PhotoError(
            "this photo is HEIC (an iPhone photo); converting it needs the heic extra: "
            "pip install 'vehreg-sdk[heic]', or set the phone to take JPEG (Settings > Camera > "
            "Formats > Most Compatible)",
            "该照片为 HEIC 格式（苹果手机照片），转换需要安装 heic 扩展："
            "pip install 'vehreg-sdk[heic]'；或将手机相机设为“兼容性最佳”（JPEG）",
        ) from exc
    pillow_heif.register_heif_opener()


def prepare_photo(
    source: bytes | os.PathLike[str] | str | IO[bytes],
    *,
    filename: str | None = None,
    limits: PhotoLimits = DEFAULT_LIMITS,
) -> PreparedPhoto:
    """A photo made ready to upload (see the module docstring); the source is only read.

    ``source``: bytes, a path or an open binary file. ``filename`` names the
    result (its suffix becomes ``.jpg`` when the photo is re-encoded).
    Raises :class:`PhotoError` (bilingual) for a file that is not an image, a
    HEIC photo without the ``heic`` extra, or Pillow missing.
    """
    data, name = _read(source)
    name = filename or name or "photo.jpg"
    image_module = _pillow()
    heif = is_heif(data)
    if heif:
        _register_heif()
    try:
        image = image_module.open(io.BytesIO(data))
        image_format = str(image.format or "")
        width, height = image.size
    except image_module.DecompressionBombError as exc:
        raise _not_a_photo(name, "too many pixels") from exc
    except Exception as exc:  # Pillow raises several types for a file it cannot read
        raise _not_a_photo(name, type(exc).__name__) from exc
    if _fit_as_is(image, image_format, len(data), limits):
        content_type = "image/png" if image_format == "PNG" else "image/jpeg"
        return PreparedPhoto(data, content_type, name, width, height, changed=False)
    from ._photo_encode import encode_jpeg

    try:
        encoded, size = encode_jpeg(image, limits)
    except PhotoError:
        raise
    except Exception as exc:  # a truncated or corrupt file fails only when decoded
        raise _not_a_photo(name, type(exc).__name__) from exc
    stem = Path(name).stem or "photo"
    return PreparedPhoto(encoded, "image/jpeg", f"{stem}.jpg", size[0], size[1], changed=True)


def photos_from_json(raw: Any) -> list[tuple[str, bytes, str]]:
    """``[{"kind", "content_base64"[, "filename"]}]`` (a POS's JSON) as ``(kind, bytes, name)``.

    Only decodes; :func:`prepare_photo` runs when the sale is queued. Raises
    :class:`PhotoError` (bilingual) naming the first bad entry.
    """
    import base64
    import binascii

    if raw is None:
        return []
    if not isinstance(raw, list):
        raise PhotoError("photos must be a list", "photos 应为列表")
    out: list[tuple[str, bytes, str]] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str):
            raise PhotoError(
                f"photos[{index}] needs kind and content_base64",
                f"photos[{index}] 需要 kind 和 content_base64",
            )
        try:
            data = base64.b64decode(str(entry.get("content_base64", "")), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise PhotoError(
                f"photos[{index}].content_base64 is not valid base64",
                f"photos[{index}].content_base64 不是有效的 base64",
            ) from exc
        out.append((entry["kind"], data, str(entry.get("filename") or "")))
    return out


def _fit_as_is(image: Any, image_format: str, size: int, limits: PhotoLimits) -> bool:
    """Already what the bureau takes: JPEG/PNG, small enough, upright, no metadata at all."""
    if image_format not in ("JPEG", "PNG") or size > limits.max_bytes:
        return False
    if max(image.size) > limits.long_side:
        return False
    if any(key not in _HARMLESS_INFO for key in image.info):
        return False
    return not (image_format == "JPEG" and image.getexif())


def _not_a_photo(name: str, why: str) -> PhotoError:
    return PhotoError(
        f"{name} is not a photo that can be read ({why}); take it again as JPEG",
        f"{name} 不是可读取的照片（{why}）；请重新拍摄为 JPEG 照片",
    )
