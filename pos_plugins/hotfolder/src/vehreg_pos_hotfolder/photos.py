"""Photo files beside the sale files: listed by the sale, written first by the POS.

A sale file lists its photos as ``"photos": [{"kind": "id_front", "file":
"sale-123-id_front.jpg"}, ...]``, names relative to the inbox. Photos that come
later (the plate-fitted photo, the retakes a ``returned`` review names) arrive
the same way in a small file of their own::

    {"photos_for": "ORDER-123", "photos": [{"kind": "plate_fitted", "file": "123-plate.jpg"}]}

``photos_for`` is the sale's ``pos_reference`` (or its ``local_id`` from the result
file). Photo files are deleted once their photos are queued in the outbox.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .files import MalformedFile

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".heif")


@dataclass(frozen=True, slots=True)
class PhotoFile:
    kind: str
    path: Path

    def read(self) -> tuple[str, bytes, str]:
        from vehreg_sdk.photos import PhotoError, prepare_photo

        data = self.path.read_bytes()
        try:  # prepared as every upload path prepares them (upright, reduced, no metadata)
            prepared = prepare_photo(data, filename=self.path.name)
        except PhotoError as exc:
            raise MalformedFile(
                f"photo {self.path.name}: {exc.message}", f"照片 {self.path.name}：{exc.message_zh}"
            ) from exc
        return self.kind, prepared.data, prepared.filename


def listed_photos(inbox: Path, sale: dict[str, Any]) -> list[PhotoFile]:
    """The photo files a sale lists (and takes them out of the sale)."""
    raw = sale.get("photos")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise MalformedFile("photos must be a list", "photos 应为列表")
    # Entries with ``file`` are photo files; others (``content_base64``) stay in the sale
    # for the base64 form that ``POST /sales`` takes too.
    inline = [e for e in raw if not (isinstance(e, dict) and "file" in e)]
    files = [e for e in raw if isinstance(e, dict) and "file" in e]
    if inline:
        sale["photos"] = inline
    else:
        sale.pop("photos")
    out = []
    for entry in files:
        kind = entry.get("kind") if isinstance(entry, dict) else None
        name = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(kind, str) or not isinstance(name, str) or not name.strip():
            raise MalformedFile(
                "each photo needs kind and file", "每张照片都需要 kind（类型）和 file（文件名）"
            )
        path = (inbox / name).resolve()
        if path.parent != inbox.resolve() or path.suffix.lower() not in PHOTO_SUFFIXES:
            raise MalformedFile(
                f"photo file {name!r} must be a .jpg or .png in the inbox itself",
                f"照片文件 {name!r} 应为收件文件夹中的 .jpg 或 .png 文件",
            )
        out.append(PhotoFile(kind, path))
    return out


def missing(photos: list[PhotoFile]) -> list[str]:
    return [p.path.name for p in photos if not p.path.is_file()]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
