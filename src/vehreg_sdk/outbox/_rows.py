"""Between SQLite rows and the outbox's public objects; reading the photos a sale brings."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import _procs
from ._models import Attachment, ItemStatus, OutboxItem, _ts

if TYPE_CHECKING:
    from ._backend import Conn
    from ._core import StorageCore

PhotoInput = tuple[str, bytes | Path] | tuple[str, bytes | Path, str]
"""A photo uploaded at sync time: ``(kind, data_or_path)`` or ``(kind, data_or_path, filename)``."""


def default_path() -> Path:
    """``$VEHREG_OUTBOX``, else ``$VEHREG_HOME/outbox.db``, else the per-user data folder
    (``%LOCALAPPDATA%`` on Windows)."""
    env = os.environ.get("VEHREG_OUTBOX")
    if env:
        return Path(env)
    from .._home import data_home

    home = data_home()
    if home is not None:
        return home / "outbox.db"
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_DATA_HOME")
    root = Path(base) if base else Path.home() / ".local" / "share"
    return root / "vehreg-sdk" / "outbox.db"


def make_worker_id() -> str:
    """Names a claimer in leases and history: ``host:pid.start:random``.

    ``start`` identifies the process itself (see :mod:`vehreg_sdk._procs`), so a restarted
    till can tell that the holder of a lease is gone, even if its pid was reused.
    """
    return _procs.worker_id()


def item_from_row(conn: Conn, row: Any, outbox: StorageCore) -> OutboxItem:
    """The item of an ``items`` row (its sealed personal data opened with its key)."""
    attachments = tuple(
        Attachment(
            a["seq"],
            a["kind"],
            a["filename"],
            a["content_type"],
            a["size"],
            a["upload_id"],
            a["sha256"],
            a["stage"],
            a["error_code"],
        )
        for a in conn.execute(
            "SELECT seq, kind, filename, content_type, COALESCE(size, length(data)) AS size,"
            " upload_id,"
            " sha256, stage, error_code FROM attachments WHERE local_id = ? ORDER BY seq",
            (row["local_id"],),
        )
    )
    return OutboxItem(
        local_id=row["local_id"],
        status=ItemStatus(row["status"]),
        store_id=row["store_id"],
        vehicle_code=row["vehicle_code"],
        payload=_payload(conn, row, outbox),
        revision=row["revision"],
        dedupe_key=row["dedupe_key"],
        source=row["source"],
        meta=json.loads(row["meta"]),
        attempts=row["attempts"],
        next_attempt_at=_ts(row["next_attempt_at"]),  # type: ignore[arg-type]
        lease_owner=row["lease_owner"],
        lease_expires_at=_ts(row["lease_expires_at"]),
        registration_id=row["registration_id"],
        plate_number=row["plate_number"],
        plate_token=row["plate_token"],
        registration_data=json.loads(row["registration"]) if row["registration"] else None,
        errors=json.loads(row["errors"]),
        last_error_code=row["last_error_code"],
        created_at=_ts(row["created_at"]),  # type: ignore[arg-type]
        updated_at=_ts(row["updated_at"]),  # type: ignore[arg-type]
        attachments=attachments,
        kind=row["kind"],
    )


def replace(item: OutboxItem, **changes: Any) -> OutboxItem:
    return dataclasses.replace(item, **changes)


def read_photo(seq: int, photo: PhotoInput) -> tuple[int, str, str, str, bytes]:
    """A photo as the outbox keeps it: prepared for the bureau (upright, reduced, JPEG, no
    metadata: :func:`vehreg_sdk.photos.prepare_photo`), so no GPS ever sits in the queue."""
    from ..photos import prepare_photo

    kind, source = photo[0], photo[1]
    data = source.read_bytes() if isinstance(source, Path) else bytes(source)
    filename = photo[2] if len(photo) > 2 else (source.name if isinstance(source, Path) else "")
    prepared = prepare_photo(data, filename=filename or f"{kind}.jpg")
    return seq, kind, prepared.filename, prepared.content_type, prepared.data


def _payload(conn: Conn, row: Any, outbox: StorageCore) -> dict[str, Any]:
    stored = json.loads(row["payload"])
    if "sealed" not in stored:
        return dict(stored)
    from ._crypto import open_payload
    from ._writes import row_key

    return open_payload(row_key(outbox, conn, row["local_id"]), row["local_id"], stored)
