"""The batch worker: one thread per bureau, serving the dealers with queued items in turn.

Why turns: a dealer who queues 8,000 items must not hold back another dealer's
one-item batch for minutes. Each turn takes at most :data:`TURN_ITEMS` of one
dealer's oldest queued items, and the next turn goes to the next dealer (by id,
wrapping round) that has any; so a newly queued batch waits for at most the
turn in progress, whatever the others have queued. Within a dealer, items go in
submission order.

A processed item's request body is set to NULL (zeroed in its page by
``secure_delete``), and within :data:`PURGE_INTERVAL_S` (at once when the queue
empties) the write-ahead log is checkpointed and truncated, so the body is gone
from the -wal file as well as from the database file.
"""

from __future__ import annotations

import json
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

from ..privacy import masked_logger
from .auth import Dealer
from .bureau import Bureau
from .problems import ProblemError, field_error, violation
from .registrations import create_registration
from .storage import Database
from .vehicle_registrations import create_vehicle_registration

logger = masked_logger("vehreg_sdk.sandbox")

__all__ = ["LEASE_S", "PURGE_INTERVAL_S", "TURN_ITEMS", "kick", "wait_idle"]

#: Items of one dealer taken per turn; a claim older than the lease is taken over.
TURN_ITEMS = 10
LEASE_S = 60.0
#: At most this many seconds pass between processing an item and truncating the log.
PURGE_INTERVAL_S = 1.0

_workers: weakref.WeakKeyDictionary[Bureau, threading.Thread] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def kick(bureau: Bureau) -> None:
    """Make sure a worker is processing this bureau's queued items (thread-safe, cheap)."""
    with _lock:
        worker = _workers.get(bureau)
        if worker is not None and worker.is_alive():
            return
        if bureau.closed.is_set():
            return
        worker = threading.Thread(
            target=_work, args=(weakref.ref(bureau),), name="vehreg-sandbox-batches", daemon=True
        )
        _workers[bureau] = worker
        worker.start()


def wait_idle(bureau: Bureau, timeout: float | None = None) -> bool:
    """Wait for the bureau's worker to finish every queued item; False on ``timeout``."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with _lock:
            worker = _workers.get(bureau)
        if worker is None or not worker.is_alive():
            return True
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            return False
        worker.join(remaining)


def _work(ref: weakref.ref[Bureau]) -> None:
    dealers: dict[str, Dealer] = {}
    last_dealer = ""
    purged = _Purge()
    while True:
        bureau = ref()
        if bureau is None:
            return
        db = bureau.db
        try:
            if bureau.closed.is_set():
                purged.now(db)
                with _lock:
                    _workers.pop(bureau, None)
                return
            claimed, last_dealer = _claim(bureau, db, last_dealer)
            if not claimed:
                purged.now(db)  # before anyone can see the worker idle (wait_idle)
                with _lock:
                    # Re-check under the lock: a batch stored meanwhile must not be stranded.
                    if not _claim_pending_exists(bureau, db):
                        _workers.pop(bureau, None)
                        return
                continue
            for item in claimed:
                if bureau.closed.is_set():
                    break  # the lease lets the next start take the rest over
                _process(bureau, db, item, dealers)
                purged.pending = True
            purged.due(db)
        except Exception:  # the file went away (tests), or a bug: never kill the server
            logger.exception("sandbox batch worker stopped")
            with _lock:
                _workers.pop(bureau, None)
            return
        finally:
            del bureau, db


class _Purge:
    """When to truncate the write-ahead log that still holds purged request bodies.

    A checkpoint costs an fsync; after every turn it cut the worker's throughput
    by more than half (measured: 300 vs 850 items/s), so it runs at most every
    :data:`PURGE_INTERVAL_S` while items keep coming, and at once when the queue
    is empty or the bureau shuts down.
    """

    __slots__ = ("last", "pending")

    def __init__(self) -> None:
        self.pending = False
        self.last = time.monotonic()

    def due(self, db: Database) -> None:
        if self.pending and time.monotonic() - self.last >= PURGE_INTERVAL_S:
            self.now(db)

    def now(self, db: Database) -> None:
        if self.pending:
            # The bodies just set to NULL (zeroed by secure_delete) also sit in older
            # page images in the -wal file: copy the log back and truncate it.
            db.checkpoint()
            self.pending = False
            self.last = time.monotonic()


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
    kind: str = "ebike"
    channel: str = "store_id"


def _claim_pending_exists(bureau: Bureau, db: Database) -> bool:
    now = bureau.clock()
    with db.read() as conn:
        row = conn.execute(
            "SELECT 1 FROM batch_items WHERE status = 'queued'"
            " OR (status = 'processing' AND lease_until < ?) LIMIT 1",
            (now,),
        ).fetchone()
    return row is not None


_SELECT = (
    "SELECT i.*, b.id AS batch_id, b.store_id, b.kind, b.channel FROM batch_items i"
    " JOIN batches b ON b.seq = i.batch_seq WHERE "
)


def _claim(bureau: Bureau, db: Database, last_dealer: str) -> tuple[list[_Claimed], str]:
    """The next turn's items (leases run out first), and the dealer whose turn it is."""
    now = bureau.clock()
    with db.write() as conn:
        rows = conn.execute(
            _SELECT + "i.status = 'processing' AND i.lease_until < ?"
            " ORDER BY i.batch_seq, i.idx LIMIT ?",
            (now, TURN_ITEMS),
        ).fetchall()
        dealer = last_dealer
        if not rows:
            found = (
                conn.execute(
                    "SELECT dealer_id FROM batch_items WHERE status = 'queued' AND dealer_id > ?"
                    " ORDER BY dealer_id LIMIT 1",
                    (last_dealer,),
                ).fetchone()
                or conn.execute(
                    "SELECT dealer_id FROM batch_items WHERE status = 'queued'"
                    " ORDER BY dealer_id LIMIT 1"
                ).fetchone()
            )
            if found is None:
                return [], last_dealer
            dealer = str(found[0])
            rows = conn.execute(
                _SELECT + "i.status = 'queued' AND i.dealer_id = ?"
                " ORDER BY i.batch_seq, i.idx LIMIT ?",
                (dealer, TURN_ITEMS),
            ).fetchall()
        conn.executemany(
            "UPDATE batch_items SET status = 'processing', lease_until = ?"
            " WHERE batch_seq = ? AND idx = ?",
            [(now + LEASE_S, r["batch_seq"], r["idx"]) for r in rows],
        )
    claimed = [
        _Claimed(r["batch_seq"], r["batch_id"], r["store_id"], r["idx"], r["dealer_id"],
                 r["client_reference"], r["fingerprint"], json.loads(r["payload"]),
                 r["kind"], r["channel"])
        for r in rows
    ]  # fmt: skip
    return claimed, dealer


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
    for channel in ("store_id", "onsite_inspection_id"):
        if channel in payload and (channel == "store_id" or item.kind == "car"):
            stray = ProblemError("validation.failed", errors=[violation(
                channel, "field.unknown",
                f"An item takes the batch's channel; remove {channel}.",
                f"批量登记的条目使用批次的办理渠道，请删除 {channel}。")])  # fmt: skip
            _finish(bureau, db, item, _problem_outcome(stray))
            return
    payload[item.channel] = item.store_id
    payload["client_reference"] = item.reference
    dealer = dealers.get(item.dealer_id) or dealers.setdefault(
        item.dealer_id, _dealer(db, item.dealer_id)
    )
    try:
        if item.kind == "car":
            doc = create_vehicle_registration(bureau, dealer, payload, now=bureau.clock())
        else:
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
        table = "vehicle_registrations" if item.kind == "car" else "registrations"
        with db.read() as conn:
            row = conn.execute(
                f"SELECT doc FROM {table} WHERE id = ? AND dealer_id = ?",  # noqa: S608
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
