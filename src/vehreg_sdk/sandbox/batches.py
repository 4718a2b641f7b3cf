"""Batches of registrations: storage, and the worker that processes their items one by one.

A batch is stored with its items (``queued``) and answered 202 at once; a
worker thread per bureau then takes queued items in order and runs each
through :func:`~.registrations.create_registration`, exactly as if it had been
posted on its own. Items never affect each other.

Each item's ``client_reference`` is a durable, dealer-scoped idempotency key
(table ``batch_references``): an item whose reference and content match an
earlier outcome gets that outcome again (``replayed``), never a second
registration; the same reference with other content is a 409 for the item
when the first was registered, and a fresh attempt when the first was
rejected (nothing was created). A worker that dies between creating the
registration and recording it is covered too: the retry meets
``vehicle.already_registered`` on a registration carrying the same reference
and records that one.

An item's request body (personal data) is kept only until it is processed.
"""

from __future__ import annotations

import json
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from ..privacy import masked_logger
from .auth import Dealer
from .bureau import Bureau
from .clock import rfc3339
from .idempotency import canonical_json, fingerprint
from .problems import ProblemError, field_error, violation
from .registrations import create_registration
from .storage import Database

logger = masked_logger("vehreg_sdk.sandbox")

__all__ = ["batch_doc", "ensure_schema", "item_doc", "kick", "store_batch"]

#: Items claimed per worker step; a claim older than the lease is taken over.
CLAIM = 20
LEASE_S = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    dealer_id    TEXT NOT NULL,
    store_id     TEXT NOT NULL,
    total        INTEGER NOT NULL,
    created_at   REAL NOT NULL,
    completed_at REAL
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
_workers: weakref.WeakKeyDictionary[Bureau, threading.Thread] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def ensure_schema(bureau: Bureau) -> None:
    """Create the batch tables in the bureau's file (once per bureau; idempotent)."""
    if bureau in _ready:
        return
    with bureau.db.write() as conn:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
    _ready.add(bureau)


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
) -> dict[str, Any]:
    """Store a checked batch with every item ``queued``; its document."""
    with bureau.db.write() as conn:
        cursor = conn.execute(
            "INSERT INTO batches (id, dealer_id, store_id, total, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (batch_id, dealer.id, store_id, len(items), now),
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
    return {
        "id": row["id"],
        "object": "ebike_registration_batch",
        "status": status,
        "store_id": row["store_id"],
        "counts": counts,
        "created_at": rfc3339(row["created_at"]),
        "completed_at": rfc3339(row["completed_at"]) if row["completed_at"] else None,
    }


def item_doc(row: Any) -> dict[str, Any]:
    """One item as the API shows it."""
    outcome = json.loads(row["outcome"]) if row["outcome"] else {}
    status = row["status"]
    return {
        "object": "ebike_registration_batch_item",
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


# ------------------------------------------------------------------------------ the worker


def kick(bureau: Bureau) -> None:
    """Make sure a worker is processing this bureau's queued items (thread-safe, cheap)."""
    with _lock:
        worker = _workers.get(bureau)
        if worker is not None and worker.is_alive():
            return
        worker = threading.Thread(
            target=_work, args=(weakref.ref(bureau),), name="vehreg-sandbox-batches", daemon=True
        )
        _workers[bureau] = worker
        worker.start()


def _work(ref: weakref.ref[Bureau]) -> None:
    dealers: dict[str, Dealer] = {}
    while True:
        bureau = ref()
        if bureau is None:
            return
        db = bureau.db
        try:
            claimed = _claim(bureau, db)
            if not claimed:
                with _lock:
                    # Re-check under the lock: a batch stored meanwhile must not be stranded.
                    if not _claim_pending_exists(bureau, db):
                        _workers.pop(bureau, None)
                        return
                continue
            for item in claimed:
                _process(bureau, db, item, dealers)
        except Exception:  # the file went away (tests), or a bug: never kill the server
            logger.exception("sandbox batch worker stopped")
            with _lock:
                _workers.pop(bureau, None)
            return
        finally:
            del bureau, db


@dataclass(frozen=True, slots=True)
class _Claimed:
    batch_seq: int
    batch_id: str
    store_id: str
    index: int
    dealer_id: str
    reference: str
    fingerprint: str
    payload: dict[str, Any]


def _claim_pending_exists(bureau: Bureau, db: Database) -> bool:
    now = bureau.clock()
    with db.read() as conn:
        row = conn.execute(
            "SELECT 1 FROM batch_items WHERE status = 'queued'"
            " OR (status = 'processing' AND lease_until < ?) LIMIT 1",
            (now,),
        ).fetchone()
    return row is not None


def _claim(bureau: Bureau, db: Database) -> list[_Claimed]:
    now = bureau.clock()
    with db.write() as conn:
        rows = conn.execute(
            "SELECT i.*, b.id AS batch_id, b.store_id FROM batch_items i"
            " JOIN batches b ON b.seq = i.batch_seq"
            " WHERE i.status = 'queued' OR (i.status = 'processing' AND i.lease_until < ?)"
            " ORDER BY i.batch_seq, i.idx LIMIT ?",
            (now, CLAIM),
        ).fetchall()
        conn.executemany(
            "UPDATE batch_items SET status = 'processing', lease_until = ?"
            " WHERE batch_seq = ? AND idx = ?",
            [(now + LEASE_S, r["batch_seq"], r["idx"]) for r in rows],
        )
    return [
        _Claimed(r["batch_seq"], r["batch_id"], r["store_id"], r["idx"], r["dealer_id"],
                 r["client_reference"], r["fingerprint"], json.loads(r["payload"]))
        for r in rows
    ]  # fmt: skip


def _problem_outcome(problem: ProblemError) -> dict[str, Any]:
    error: dict[str, Any] = {
        "status": problem.status,
        "code": problem.code,
        "detail": problem.detail,
        "detail_zh": problem.detail_zh,
        "errors": [field_error(v) for v in problem.errors],
    }
    if "existing_id" in problem.extra:
        error["existing_id"] = problem.extra["existing_id"]
    return {"status": "rejected", "error": error}


def _registered(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": "registered",
        "registration_id": doc["id"],
        "plate_number": doc.get("plate_number"),
        "plate_token": doc.get("plate_token"),
        "plate_credential": doc.get("plate_credential"),
    }


def _dealer(db: Database, dealer_id: str) -> Dealer:
    with db.read() as conn:
        row = conn.execute("SELECT * FROM dealers WHERE id = ?", (dealer_id,)).fetchone()
    return Dealer(row["id"], row["name"], row["app_key"], row["app_secret"])


def _process(bureau: Bureau, db: Database, item: _Claimed, dealers: dict[str, Dealer]) -> None:
    with db.read() as conn:
        known = conn.execute(
            "SELECT * FROM batch_references WHERE dealer_id = ? AND client_reference = ?",
            (item.dealer_id, item.reference),
        ).fetchone()
    if known is not None and known["fingerprint"] == item.fingerprint:
        _finish(bureau, db, item, json.loads(known["outcome"]), replayed=True)
        return
    if known is not None and known["status"] == "registered":
        first = json.loads(known["outcome"])
        conflict = ProblemError(
            "batch_item.reference_conflict", extra={"existing_id": first.get("registration_id")}
        )
        _finish(bureau, db, item, _problem_outcome(conflict), remember=False)
        return
    payload = {k: v for k, v in item.payload.items() if k != "client_reference"}
    if "store_id" in payload:
        stray = ProblemError("validation.failed", errors=[violation(
            "store_id", "field.unknown", "An item takes the batch's store; remove store_id.",
            "批量登记的条目使用批次的门店，请删除 store_id。")])  # fmt: skip
        _finish(bureau, db, item, _problem_outcome(stray))
        return
    payload["store_id"] = item.store_id
    payload["client_reference"] = item.reference
    dealer = dealers.get(item.dealer_id) or dealers.setdefault(
        item.dealer_id, _dealer(db, item.dealer_id)
    )
    try:
        doc = create_registration(
            bureau, dealer, payload, now=bureau.clock(), batch_id=item.batch_id
        )
        outcome, replayed = _registered(doc), False
    except ProblemError as problem:
        outcome, replayed = _recovered(db, dealer, item, problem)
    except Exception:
        logger.exception("sandbox batch item %s/%d failed", item.batch_id, item.index)
        failed = _problem_outcome(ProblemError("internal.error"))
        _finish(bureau, db, item, {**failed, "status": "failed"}, remember=False)
        return
    _finish(bureau, db, item, outcome, replayed=replayed)


def _recovered(
    db: Database, dealer: Dealer, item: _Claimed, problem: ProblemError
) -> tuple[dict[str, Any], bool]:
    """A rejection, unless it is our own earlier registration (a crash before recording it)."""
    existing = problem.extra.get("existing_id")
    if problem.code == "vehicle.already_registered" and existing:
        with db.read() as conn:
            row = conn.execute(
                "SELECT doc FROM registrations WHERE id = ? AND dealer_id = ?",
                (existing, dealer.id),
            ).fetchone()
        if row is not None:
            doc = json.loads(row["doc"])
            if doc.get("client_reference") == item.reference:
                return _registered(doc), True
    return _problem_outcome(problem), False


def _finish(
    bureau: Bureau,
    db: Database,
    item: _Claimed,
    outcome: dict[str, Any],
    *,
    replayed: bool = False,
    remember: bool = True,
) -> None:
    now = bureau.clock()
    encoded = json.dumps(outcome, ensure_ascii=False)
    with db.write() as conn:
        conn.execute(
            "UPDATE batch_items SET status = ?, outcome = ?, replayed = ?, payload = NULL,"
            " lease_until = NULL, updated_at = ? WHERE batch_seq = ? AND idx = ?",
            (outcome["status"], encoded, int(replayed), now, item.batch_seq, item.index),
        )
        if remember and outcome["status"] in ("registered", "rejected"):
            conn.execute(
                "INSERT INTO batch_references (dealer_id, client_reference, fingerprint, status,"
                " outcome, batch_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (dealer_id, client_reference) DO UPDATE SET"
                " fingerprint = excluded.fingerprint, status = excluded.status,"
                " outcome = excluded.outcome, batch_id = excluded.batch_id,"
                " updated_at = excluded.updated_at",
                (item.dealer_id, item.reference, item.fingerprint, outcome["status"], encoded,
                 item.batch_id, now),
            )  # fmt: skip
        left = conn.execute(
            "SELECT 1 FROM batch_items WHERE batch_seq = ? AND status IN ('queued', 'processing')"
            " LIMIT 1",
            (item.batch_seq,),
        ).fetchone()
        if left is None:
            conn.execute(
                "UPDATE batches SET completed_at = ? WHERE seq = ? AND completed_at IS NULL",
                (now, item.batch_seq),
            )
