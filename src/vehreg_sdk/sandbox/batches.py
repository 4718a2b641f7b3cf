"""Batches of registrations (e-bike or car): their storage and how the API shows them.

A batch has a ``kind``: ``ebike`` (``/v1/ebike-registration-batches``) or ``car``
(``/v1/vehicle-registration-batches``); the same tables, worker, idempotency and
purge serve both. A car batch names its channel once, for every item: the
``store_id`` of a registration station or the ``onsite_inspection_id`` of a
completed on-site inspection (column ``channel`` says which one ``store_id`` holds).

A batch is stored with its items (``queued``) and answered 202 at once; a
worker thread per bureau (:mod:`.batch_worker`) then runs each item through
:func:`~.registrations.create_registration`, exactly as if it had been posted
on its own, serving the dealers in turn. Items never affect each other.

Each item's ``client_reference`` is a durable, dealer-scoped idempotency key
(table ``batch_references``): an item whose reference and content match an
earlier outcome gets that outcome again (``replayed``), never a second
registration; the same reference with other content is a 409 for the item
when the first was registered, and a fresh attempt when the first was
rejected (nothing was created). A worker that dies between creating the
registration and recording it is covered too: the retry meets
``vehicle.already_registered`` on a registration carrying the same reference
and records that one.

An item's request body (personal data) is kept only until it is processed:
then it is overwritten with zeros in the database file (``secure_delete``), and
within :data:`~.batch_worker.PURGE_INTERVAL_S` the write-ahead log that still
held it is checkpointed and truncated.
"""

from __future__ import annotations

import json
import threading
import weakref
from typing import Any

from .auth import Dealer
from .bureau import Bureau
from .clock import rfc3339
from .idempotency import canonical_json, fingerprint

__all__ = ["batch_doc", "ensure_schema", "item_doc", "kick", "store_batch", "wait_idle"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    dealer_id    TEXT NOT NULL,
    store_id     TEXT NOT NULL,
    total        INTEGER NOT NULL,
    created_at   REAL NOT NULL,
    completed_at REAL,
    kind         TEXT NOT NULL DEFAULT 'ebike',
    channel      TEXT NOT NULL DEFAULT 'store_id'
);
CREATE TABLE IF NOT EXISTS batch_items (
    batch_seq        INTEGER NOT NULL,
    idx              INTEGER NOT NULL,
    dealer_id        TEXT NOT NULL,
    client_reference TEXT NOT NULL,
    fingerprint      TEXT NOT NULL,
    status           TEXT NOT NULL,
    lease_until      REAL,
    payload          TEXT,
    outcome          TEXT,
    replayed         INTEGER NOT NULL DEFAULT 0,
    updated_at       REAL NOT NULL,
    PRIMARY KEY (batch_seq, idx)
);
CREATE INDEX IF NOT EXISTS batch_items_queue ON batch_items (status, batch_seq, idx);
-- The worker's turns: the next dealer with queued items, then that dealer's oldest items.
CREATE INDEX IF NOT EXISTS batch_items_by_dealer
    ON batch_items (status, dealer_id, batch_seq, idx);
CREATE TABLE IF NOT EXISTS batch_references (
    dealer_id        TEXT NOT NULL,
    client_reference TEXT NOT NULL,
    fingerprint      TEXT NOT NULL,
    status           TEXT NOT NULL,
    outcome          TEXT NOT NULL,
    batch_id         TEXT NOT NULL,
    updated_at       REAL NOT NULL,
    PRIMARY KEY (dealer_id, client_reference)
);
"""

_ready: weakref.WeakSet[Bureau] = weakref.WeakSet()
_ready_lock = threading.Lock()


def ensure_schema(bureau: Bureau) -> None:
    """Create the batch tables in the bureau's file (once per bureau; idempotent)."""
    if bureau in _ready:
        return
    with _ready_lock, bureau.db.write() as conn:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(batches)")}
        for name, default in (("kind", "ebike"), ("channel", "store_id")):
            if name not in columns:  # a file made before car batches existed
                conn.execute(
                    f"ALTER TABLE batches ADD COLUMN {name} TEXT NOT NULL DEFAULT '{default}'"
                )
    _ready.add(bureau)


#: The API object names of a batch and its items, per kind.
OBJECTS = {"ebike": "ebike_registration_batch", "car": "vehicle_registration_batch"}


def item_fingerprint(item: dict[str, Any]) -> str:
    """The content of an item without its reference, canonical: "the same item" means this."""
    content = {k: v for k, v in item.items() if k != "client_reference"}
    raw = json.dumps(content, ensure_ascii=False).encode("utf-8")
    return fingerprint("ITEM", "", canonical_json(raw))


def store_batch(
    bureau: Bureau,
    dealer: Dealer,
    batch_id: str,
    store_id: str,
    items: list[dict[str, Any]],
    now: float,
    *,
    kind: str = "ebike",
    channel: str = "store_id",
) -> dict[str, Any]:
    """Store a checked batch with every item ``queued``; its document.

    ``store_id`` holds the value of the batch's ``channel`` field (for a car batch
    through an on-site inspection, the inspection's id).
    """
    with bureau.db.write() as conn:
        cursor = conn.execute(
            "INSERT INTO batches (id, dealer_id, store_id, total, created_at, kind, channel)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (batch_id, dealer.id, store_id, len(items), now, kind, channel),
        )
        seq = cursor.lastrowid
        conn.executemany(
            "INSERT INTO batch_items (batch_seq, idx, dealer_id, client_reference, fingerprint,"
            " status, payload, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)",
            [
                (seq, index, dealer.id, item["client_reference"], item_fingerprint(item),
                 json.dumps(item, ensure_ascii=False), now)
                for index, item in enumerate(items)
            ],
        )  # fmt: skip
        row = conn.execute("SELECT * FROM batches WHERE seq = ?", (seq,)).fetchone()
        return batch_doc(conn, row)


def batch_doc(conn: Any, row: Any) -> dict[str, Any]:
    """The batch as the API shows it: status from its items' statuses, and the counts."""
    counts = {"total": row["total"], "queued": 0, "registered": 0, "rejected": 0, "failed": 0}
    for status, count in conn.execute(
        "SELECT status, COUNT(*) FROM batch_items WHERE batch_seq = ? GROUP BY status",
        (row["seq"],),
    ):
        key = "queued" if status == "processing" else status
        counts[key] += count
    done = counts["registered"] + counts["rejected"] + counts["failed"]
    if counts["queued"] == 0:
        status = "failed" if counts["failed"] else "completed"
    else:
        status = "processing" if done else "queued"
    doc: dict[str, Any] = {
        "id": row["id"],
        "object": OBJECTS[row["kind"]],
        "status": status,
        "store_id": row["store_id"] if row["channel"] == "store_id" else None,
    }
    if row["kind"] == "car":
        doc["onsite_inspection_id"] = (
            row["store_id"] if row["channel"] == "onsite_inspection_id" else None
        )
    doc.update(
        counts=counts,
        created_at=rfc3339(row["created_at"]),
        completed_at=rfc3339(row["completed_at"]) if row["completed_at"] else None,
    )
    return doc


def item_doc(row: Any, kind: str = "ebike") -> dict[str, Any]:
    """One item as the API shows it."""
    outcome = json.loads(row["outcome"]) if row["outcome"] else {}
    status = row["status"]
    return {
        "object": OBJECTS[kind] + "_item",
        "index": row["idx"],
        "client_reference": row["client_reference"],
        "status": "queued" if status == "processing" else status,
        "registration_id": outcome.get("registration_id"),
        "plate_number": outcome.get("plate_number"),
        "plate_token": outcome.get("plate_token"),
        "plate_credential": outcome.get("plate_credential"),
        "error": outcome.get("error"),
        "replayed": bool(row["replayed"]),
        "updated_at": rfc3339(row["updated_at"]),
    }


def kick(bureau: Bureau) -> None:
    """Make sure a worker is processing this bureau's queued items (thread-safe, cheap)."""
    from .batch_worker import kick as start

    start(bureau)


def wait_idle(bureau: Bureau, timeout: float | None = None) -> bool:
    """Wait until the bureau's batch worker has nothing left to do; False on ``timeout``.

    For tests and tools: when it returns True every queued item is processed and
    its request body purged from the database files.
    """
    from .batch_worker import wait_idle as wait

    return wait(bureau, timeout)
