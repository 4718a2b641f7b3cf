"""Writing items: a new sale's row, its sealed personal data, and purging it after delivery.

Everything here runs inside the caller's write transaction (``outbox._write()``), on
either engine.
"""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..privacy import masked_logger
from ..types import EbikeRegistrationCreate, VehicleRegistrationCreate
from . import _crypto, _kinds
from ._db import dumps
from ._models import (
    TERMINAL_STATUSES,
    InvalidTransition,
    ItemNotFound,
    ItemStatus,
    OutboxItem,
    VehicleAlreadyQueued,
)
from ._rows import PhotoInput, read_photo, replace

logger = masked_logger("vehreg_sdk.outbox")

if TYPE_CHECKING:
    from ._backend import Conn
    from ._core import StorageCore


@dataclasses.dataclass(frozen=True, slots=True)
class NewItem:
    """A sale validated and made ready to insert: its new local id, JSON body and photos."""

    local_id: str
    model: Any  # the kind's request model
    payload: dict[str, Any]
    files: builtins.list[tuple[int, str, str, str, bytes]]
    kind: _kinds.RegistrationKind = _kinds.EBIKE

    @classmethod
    def make(
        cls,
        registration: EbikeRegistrationCreate | VehicleRegistrationCreate | Mapping[str, Any],
        photos: Sequence[PhotoInput],
    ) -> NewItem:
        kind, model = _kinds.validate(registration)
        local_id = str(uuid.uuid4())
        if model.client_reference is None:
            # Lets sync recognise its own registration in a 409 vehicle.already_registered.
            model = model.model_copy(update={"client_reference": local_id})
        payload = model.model_dump(mode="json", exclude_none=True)
        files = [read_photo(seq, photo) for seq, photo in enumerate(photos)]
        return cls(local_id, model, payload, files, kind)


def insert(
    outbox: StorageCore,
    conn: Conn,
    new: NewItem | None,
    dedupe_key: str | None,
    source: str,
    actor: str,
    meta: Mapping[str, Any] | None,
) -> OutboxItem:
    """Insert one prepared sale in the caller's transaction (or return its replay).

    ``new`` is ``None`` only for a ``dedupe_key`` known to exist already.
    """
    if dedupe_key is not None:
        row = conn.execute("SELECT local_id FROM items WHERE dedupe_key = ?", (dedupe_key,))
        found = row.fetchone()
        if found is not None:
            return replace(outbox._get(conn, found["local_id"]), replayed=True)
    if new is None:
        raise ItemNotFound(f"dedupe key {dedupe_key}")
    vehicle_code = new.kind.business_key(new.model)
    live = conn.execute(
        "SELECT local_id, dedupe_key FROM items WHERE kind = ? AND vehicle_code = ?"
        " AND status NOT IN ('rejected', 'cancelled')",
        (new.kind.name, vehicle_code),
    ).fetchone()
    if live is not None:
        if dedupe_key is not None and live["dedupe_key"] == dedupe_key:
            # The same sale, committed by a concurrent writer after the dedupe lookup above
            # (PostgreSQL reads each statement at its own snapshot): a replay, not a refusal.
            return replace(outbox._get(conn, live["local_id"]), replayed=True)
        raise VehicleAlreadyQueued(vehicle_code, live["local_id"])
    now = outbox.now()
    key = None
    payload = new.payload
    if outbox._sealer is not None:
        key, wrapped = outbox._sealer.new_row_key()
        payload = _crypto.seal_payload(key, new.local_id, payload)
    conn.execute(
        "INSERT INTO items (local_id, store_id, vehicle_code, payload, status, dedupe_key,"
        " source, meta, next_attempt_at, created_at, updated_at, kind)"
        " VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)",
        (
            new.local_id,
            new.model.store_id,
            vehicle_code,
            dumps(payload),
            dedupe_key,
            source,
            dumps(dict(meta or {})),
            now,
            now,
            now,
            new.kind.name,
        ),
    )
    if key is not None:
        conn.execute(
            "INSERT INTO item_keys (local_id, wrapped) VALUES (?, ?)", (new.local_id, wrapped)
        )
    for seq, kind, filename, content_type, data in new.files:
        add_attachment(conn, new.local_id, seq, (kind, filename, content_type, data), key)
    outbox._history(conn, new.local_id, actor, None, ItemStatus.QUEUED, "enqueued", source)
    return outbox._get(conn, new.local_id)


def add_attachment(
    conn: Conn,
    local_id: str,
    seq: int,
    photo: tuple[str, str, str, bytes],
    key: bytes | None,
    *,
    stage: str = "create",
    sha256: str | None = None,
) -> None:
    kind, filename, content_type, data = photo
    stored = data if key is None else _crypto.seal(key, data, f"{local_id}/photo/{seq}")
    conn.execute(
        "INSERT INTO attachments (local_id, seq, kind, filename, content_type, data, size,"
        " stage, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (local_id, seq, kind, filename, content_type, stored, len(data), stage, sha256),
    )


def row_key(
    outbox: StorageCore, conn: Conn, local_id: str, *, create: bool = False
) -> bytes | None:
    """The item's data key (``None`` without a master key, or once purged unless
    ``create``: a photo queued after the purge gets a new key)."""
    if outbox._sealer is None:
        return None
    row = conn.execute("SELECT wrapped FROM item_keys WHERE local_id = ?", (local_id,)).fetchone()
    if row is not None:
        return outbox._sealer.unwrap(bytes(row["wrapped"]))
    if not create:
        return None
    key, wrapped = outbox._sealer.new_row_key()
    conn.execute("INSERT INTO item_keys (local_id, wrapped) VALUES (?, ?)", (local_id, wrapped))
    return key


def photo_bytes(outbox: StorageCore, conn: Conn, local_id: str, seq: int, stored: bytes) -> bytes:
    """A photo's bytes as queued (opened with the item's key when sealed)."""
    key = row_key(outbox, conn, local_id) if stored else None
    if key is None:
        return stored
    return _crypto.open_sealed(key, stored, f"{local_id}/photo/{seq}")


def purge_delivered(outbox: StorageCore) -> int:
    """Shred the personal data of delivered items: masked owner kept, photo bytes emptied,
    data key deleted. Items with photos still to send keep theirs until sent."""
    if outbox._sealer is None:
        return 0
    done = sorted(str(s) for s in TERMINAL_STATUSES)
    marks = ",".join("?" * len(done))
    with outbox._write() as conn:
        rows = conn.execute(
            "SELECT i.local_id, i.payload, i.status FROM items i"  # noqa: S608
            " JOIN item_keys k ON k.local_id = i.local_id"
            f" WHERE i.status IN ({marks}) AND i.cancel_requested_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.local_id = i.local_id"
            "  AND a.upload_id IS NULL AND a.error_code IS NULL)"
            " ORDER BY i.local_id" + outbox._backend.row_lock,
            done,
        ).fetchall()
        for row in rows:
            local_id = row["local_id"]
            key = row_key(outbox, conn, local_id)
            payload = _crypto.open_payload(key, local_id, json.loads(row["payload"]))
            conn.execute(
                "UPDATE items SET payload = ? WHERE local_id = ?",
                (dumps(_crypto.masked_sections(payload)), local_id),
            )
            for photo in conn.execute(
                "SELECT seq, data FROM attachments WHERE local_id = ? AND sha256 IS NULL",
                (local_id,),
            ).fetchall():
                data = photo_bytes(outbox, conn, local_id, photo["seq"], bytes(photo["data"]))
                conn.execute(
                    "UPDATE attachments SET sha256 = ? WHERE local_id = ? AND seq = ?",
                    (hashlib.sha256(data).hexdigest(), local_id, photo["seq"]),
                )
            conn.execute(
                "UPDATE attachments SET data = ?, size = 0 WHERE local_id = ?", (b"", local_id)
            )
            conn.execute("DELETE FROM item_keys WHERE local_id = ?", (local_id,))
    if rows:
        # Not a change of the sale's state: a log line, not a history row.
        logger.info("outbox: personal data of %d delivered item(s) shredded", len(rows))
        outbox._backend.after_erase()
    return len(rows)


def amend_item(
    outbox: StorageCore,
    local_id: str,
    registration: EbikeRegistrationCreate | VehicleRegistrationCreate | Mapping[str, Any],
    actor: str,
) -> OutboxItem:
    """:meth:`Outbox.amend`: the corrected sale replaces the parked one (sealed again)."""
    kind, model = _kinds.validate(registration)
    with outbox._write() as conn:
        item = outbox._get(conn, local_id)
        if kind.name != item.kind:
            raise InvalidTransition(local_id, item.status, f"amend with a {kind.name} sale")
        if item.status != ItemStatus.NEEDS_ATTENTION:
            raise InvalidTransition(local_id, item.status, "amend")
        if model.client_reference is None:
            model = model.model_copy(
                update={"client_reference": item.payload.get("client_reference", local_id)}
            )
        other = conn.execute(
            "SELECT local_id FROM items WHERE kind = ? AND vehicle_code = ?"
            " AND status NOT IN ('rejected', 'cancelled') AND local_id <> ?",
            (kind.name, kind.business_key(model), local_id),
        ).fetchone()
        if other is not None:
            raise VehicleAlreadyQueued(kind.business_key(model), other["local_id"])
        payload = model.model_dump(mode="json", exclude_none=True)
        key = row_key(outbox, conn, local_id, create=True)
        if key is not None:
            payload = _crypto.seal_payload(key, local_id, payload)
        conn.execute(
            "UPDATE items SET payload = ?, vehicle_code = ?, store_id = ?,"
            " revision = revision + 1 WHERE local_id = ?",
            (dumps(payload), kind.business_key(model), model.store_id, local_id),
        )
        outbox._set_status(
            conn, item, ItemStatus.QUEUED, actor, "amended", next_attempt_at=outbox.now()
        )
        return outbox._get(conn, local_id)


def rotate_master_key(outbox: StorageCore, new_key: bytes | str) -> int:
    """Wrap every live item key with ``new_key`` (one transaction); returns how many.

    Afterwards the old master key opens nothing live: destroy it once the backups taken
    before the rotation have expired, and every purged item's key, wherever a copy of it
    lingers (dead rows, WAL, old backups), can no longer be opened."""
    if outbox._sealer is None:
        raise _crypto.OutboxKeyProblem(
            "this outbox has no master key to rotate", "该离线队列未设置主密钥，无法轮换"
        )
    master = _crypto.load_master_key(new_key)
    assert master is not None  # an explicit key is never None
    new = _crypto.Sealer(master)
    with outbox._write() as conn:
        rows = conn.execute(
            "SELECT local_id, wrapped FROM item_keys" + outbox._backend.row_lock  # noqa: S608
        ).fetchall()
        for row in rows:
            conn.execute(
                "UPDATE item_keys SET wrapped = ? WHERE local_id = ?",
                (outbox._sealer.rewrap(bytes(row["wrapped"]), new), row["local_id"]),
            )
    outbox._sealer = new
    logger.info("outbox: %d item key(s) wrapped with master key %s", len(rows), new.key_id)
    return len(rows)
