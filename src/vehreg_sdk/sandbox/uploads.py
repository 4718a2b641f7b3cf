"""Stored photos and scans: the form they arrive in, the checks, the row they become."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from ..types import UploadKind
from .clock import rfc3339
from .files import MAX_UPLOAD_BYTES, Part, image_type, sha256_hex
from .problems import ProblemError, violation

UPLOAD_KINDS: tuple[str, ...] = tuple(kind.value for kind in UploadKind)


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """A checked upload: its kind, bytes and sniffed content type."""

    kind: str
    data: bytes
    content_type: str


def read_upload_form(form: dict[str, Part]) -> IncomingFile:
    """``kind`` and ``file`` from a multipart form.

    422 ``validation.failed`` lists a missing or unknown kind and a missing or
    empty file together; 413 ``upload.too_large`` over 5 MB; 415
    ``upload.unsupported_type`` unless the bytes are JPEG or PNG.
    """
    problems = []
    kind_part = form.get("kind")
    kind = kind_part.data.decode("utf-8", "replace").strip() if kind_part is not None else ""
    if kind_part is None or not kind:
        problems.append(
            violation("kind", "field.required", "kind is required.", "请填写照片类型 kind。")
        )
    elif kind not in UPLOAD_KINDS:
        problems.append(
            violation(
                "kind",
                "field.choice",
                f"kind is one of: {', '.join(UPLOAD_KINDS)}.",
                f"照片类型应为以下之一：{'、'.join(UPLOAD_KINDS)}。",
            )
        )
    file_part = form.get("file")
    if file_part is None:
        problems.append(
            violation("file", "field.required", "file is required.", "请选择要上传的文件。")
        )
    elif not file_part.data:
        problems.append(violation("file", "upload.empty", "The file is empty.", "上传的文件为空。"))
    if problems:
        raise ProblemError("validation.failed", errors=problems)
    assert file_part is not None
    data = bytes(file_part.data)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ProblemError("upload.too_large")
    content_type = image_type(data)
    if content_type is None:
        raise ProblemError("upload.unsupported_type")
    return IncomingFile(kind, data, content_type)


def insert_upload(
    conn: sqlite3.Connection, upload_id: str, dealer_id: str, incoming: IncomingFile, now: float
) -> dict[str, Any]:
    """Store the file (inside the caller's transaction); the ``Upload`` document."""
    doc = {
        "id": upload_id,
        "object": "upload",
        "kind": incoming.kind,
        "content_type": incoming.content_type,
        "size": len(incoming.data),
        "sha256": sha256_hex(incoming.data),
        "created_at": rfc3339(now),
    }
    conn.execute(
        "INSERT INTO uploads (id, dealer_id, kind, content_type, size, sha256, created_at, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            upload_id,
            dealer_id,
            incoming.kind,
            incoming.content_type,
            doc["size"],
            doc["sha256"],
            now,
            incoming.data,
        ),
    )
    return doc
