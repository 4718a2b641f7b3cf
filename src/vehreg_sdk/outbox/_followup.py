"""After the plate: photos for the registration, cancellation (退货), and the review's answer.

The review is followed through the bureau's event feed with **one cursor for the
whole outbox** (``meta.events_cursor``), stored in the same transaction as the
state change each event causes, so an event is applied once even across a crash.
The feed is the only source of review states; the photo and cancel answers do not
move an item forward by themselves (except ``cancelled``, which is final), so an
older event replayed can never undo a newer one.

Photos queued after the plate and cancellations are sent under their own
Idempotency-Keys (``<local_id>.photo.<seq>``, ``<local_id>.cancel``): a process
killed after sending and before recording sends again and the bureau replays its
first answer, so each is applied exactly once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import _errors as errors
from ..privacy import masked_logger
from ._backend import stores_clause
from ._db import dumps
from ._models import (
    FINAL_STATUSES,
    FOLLOWED_STATUSES,
    InvalidTransition,
    ItemStatus,
    OutboxError,
    OutboxItem,
    SyncReport,
)
from ._rows import PhotoInput, read_photo
from ._writes import add_attachment, photo_bytes, purge_delivered, row_key

if TYPE_CHECKING:
    from ._backend import Conn
    from ._store import Outbox
    from ._sync import SyncClient

logger = masked_logger("vehreg_sdk.outbox")

CURSOR_KEY = "events_cursor"
MAX_CANCEL_REASON = 200
_RETRYABLE = (errors.RateLimitError, errors.InternalServerError, errors.APIConnectionError)
# The SQL below spells out FOLLOWED_STATUSES; keep them in step.
assert {str(s) for s in FOLLOWED_STATUSES} == {"plate_assigned", "awaiting_review", "returned"}


#: The states the event feed may set: the review's and the cancellation.
_REVIEW_STATES = frozenset(
    {
        ItemStatus.AWAITING_REVIEW,
        ItemStatus.RETURNED,
        ItemStatus.APPROVED,
        ItemStatus.REJECTED,
        ItemStatus.CANCELLED,
    }
)


class CancelReasonInvalid(OutboxError):
    """A cancellation (退货) needs its reason: 1 to 200 characters."""

    code = "outbox.cancel_reason"

    def __init__(self) -> None:
        super().__init__(
            f"reason: a cancellation needs a reason of 1 to {MAX_CANCEL_REASON} characters",
            f"reason：撤销登记（退货）须填写原因，1 至 {MAX_CANCEL_REASON} 字",
        )


# ---------------------------------------------------------------------- clerk actions
def queue_photo(outbox: Outbox, local_id: str, photo: PhotoInput, actor: str) -> OutboxItem:
    with outbox._write() as conn:
        item = outbox._get(conn, local_id)
        if item.status in FINAL_STATUSES or item.status == ItemStatus.NEEDS_ATTENTION:
            raise InvalidTransition(local_id, item.status, "add a photo to")
        row = conn.execute(
            "SELECT COALESCE(MAX(seq), -1) + 1 FROM attachments WHERE local_id = ?", (local_id,)
        ).fetchone()
        seq, kind, filename, content_type, data = read_photo(int(row[0]), photo)
        key = row_key(outbox, conn, local_id, create=True)
        add_attachment(
            conn, local_id, seq, (kind, filename, content_type, data), key,
            stage="registration", sha256=hashlib.sha256(data).hexdigest(),
        )  # fmt: skip
        outbox._history(conn, local_id, actor, item.status, item.status, "photo_queued", kind)
        return outbox._get(conn, local_id)


def request_cancel(outbox: Outbox, local_id: str, reason: str, actor: str) -> OutboxItem:
    reason = reason.strip()
    if not reason or len(reason) > MAX_CANCEL_REASON:
        raise CancelReasonInvalid()
    with outbox._write() as conn:
        item = outbox._get(conn, local_id)
        if item.status == ItemStatus.CANCELLED:
            return item  # asked twice: still once
        if item.status in FINAL_STATUSES:
            raise InvalidTransition(local_id, item.status, "cancel")
        never_sent = item.status == ItemStatus.NEEDS_ATTENTION or (
            item.status == ItemStatus.QUEUED and item.attempts == 0
        )
        if never_sent:
            outbox._set_status(
                conn, item, ItemStatus.CANCELLED, actor, "cancelled", detail=reason,
                cancel_reason=reason,
            )  # fmt: skip
        elif (
            conn.execute(
                "SELECT cancel_requested_at FROM items WHERE local_id = ?", (local_id,)
            ).fetchone()[0]
            is None
        ):
            conn.execute(
                "UPDATE items SET cancel_reason = ?, cancel_requested_at = ? WHERE local_id = ?",
                (reason, outbox.now(), local_id),
            )
            outbox._history(
                conn, local_id, actor, item.status, item.status, "cancel_requested", reason
            )
        return outbox._get(conn, local_id)


# ---------------------------------------------------------------------- sync steps
def follow_up(
    outbox: Outbox,
    client: SyncClient,
    report: SyncReport,
    *,
    stores: Sequence[str] | None = None,
    cursor_key: str = CURSOR_KEY,
) -> None:
    """Everything after the plate, in one sync run: cancels, photos, the feed, erasing.

    On a hub, once per dealer: ``stores`` are the dealer's, ``cursor_key`` names the
    place of the dealer's own event feed."""
    try:
        _send_cancels(outbox, client, report, stores)
        _send_photos(outbox, client, report, stores)
    except _Unreachable as down:
        # A photo or a cancellation not sent is undelivered: the exit code says so.
        report.unreachable.append(down.local_id)
        report.retry_later.append(down.local_id)
        logger.info("outbox: bureau unreachable after the plate (%s)", down.code)
    else:
        try:
            _follow_feed(outbox, client, report, stores, cursor_key)
        except _Unreachable as down:
            # Delivered sales wait for the review; not reading it now loses nothing.
            report.feed_unreachable = True
            logger.info("outbox: event feed unreachable (%s)", down.code)
    erase_sent_photos(outbox)
    purge_delivered(outbox)


class _Unreachable(Exception):
    def __init__(self, local_id: str, code: str) -> None:
        super().__init__(code)
        self.local_id, self.code = local_id, code


def _code(err: errors.VehregError) -> str:
    return str(getattr(err, "code", None) or type(err).__name__)


def _send_cancels(
    outbox: Outbox, client: SyncClient, report: SyncReport, stores: Sequence[str] | None
) -> None:
    where, params = stores_clause(stores)
    with outbox._read() as conn:
        rows = conn.execute(
            "SELECT local_id, registration_id, cancel_reason FROM items"  # noqa: S608 - adds only placeholders
            " WHERE cancel_requested_at IS NOT NULL AND registration_id IS NOT NULL"
            " AND status IN ('plate_assigned', 'awaiting_review', 'returned')"
            + where
            + " ORDER BY cancel_requested_at",
            params,
        ).fetchall()
    for row in rows:
        local_id = row["local_id"]
        try:
            reg = client.ebike_registrations.cancel(
                row["registration_id"],
                reason=row["cancel_reason"],
                idempotency_key=f"{local_id}.cancel",
            )
        except _RETRYABLE as err:
            raise _Unreachable(local_id, _code(err)) from err
        except errors.APIStatusError as err:  # 409: approved or rejected meanwhile
            with outbox._write() as conn:
                item = outbox._get(conn, local_id)
                entry = {"field": "", "code": err.code, "message": err.detail,
                         "message_zh": err.detail_zh}  # fmt: skip
                conn.execute(
                    "UPDATE items SET cancel_requested_at = NULL, errors = ? WHERE local_id = ?",
                    (dumps([entry]), local_id),
                )
                outbox._history(
                    conn, local_id, "bureau", item.status, item.status, "cancel_refused", err.code
                )
            continue
        with outbox._write() as conn:
            item = outbox._get(conn, local_id)
            if item.status in FINAL_STATUSES:
                continue
            outbox._set_status(
                conn, item, ItemStatus.CANCELLED, "bureau", "cancelled",
                detail=str(row["cancel_reason"]), cancel_requested_at=None,
                registration=reg.model_dump_json(),
            )  # fmt: skip
        report.cancelled.append(local_id)


def _send_photos(
    outbox: Outbox, client: SyncClient, report: SyncReport, stores: Sequence[str] | None
) -> None:
    where, params = stores_clause(stores)
    with outbox._read() as conn:
        rows = conn.execute(
            "SELECT a.local_id, a.seq, a.kind, a.filename, a.content_type, i.registration_id"  # noqa: S608 - adds only placeholders
            " FROM attachments a JOIN items i ON i.local_id = a.local_id"
            " WHERE a.stage = 'registration' AND a.upload_id IS NULL AND a.error_code IS NULL"
            " AND i.registration_id IS NOT NULL AND i.cancel_requested_at IS NULL"
            " AND i.status IN ('plate_assigned', 'awaiting_review', 'returned')"
            + where.replace("store_id", "i.store_id")
            + " ORDER BY i.created_at, a.seq",
            params,
        ).fetchall()
    for row in rows:
        local_id, seq = row["local_id"], row["seq"]
        data = outbox.attachment_data(local_id, seq)
        try:
            reg = client.ebike_registrations.upload_photo(
                row["registration_id"],
                kind=row["kind"],
                file=(row["filename"], data, row["content_type"]),
                idempotency_key=f"{local_id}.photo.{seq}",
            )
        except _RETRYABLE as err:
            raise _Unreachable(local_id, _code(err)) from err
        except errors.APIStatusError as err:
            _photo_refused(outbox, local_id, seq, err)
            continue
        upload_id = next((p.upload_id for p in reversed(reg.photos) if p.kind == row["kind"]), "")
        with outbox._write() as conn:
            conn.execute(
                "UPDATE attachments SET upload_id = ?, sha256 = ? WHERE local_id = ? AND seq = ?",
                (upload_id or "sent", hashlib.sha256(data).hexdigest(), local_id, seq),
            )
            item = outbox._get(conn, local_id)
            outbox._history(
                conn, local_id, "bureau", item.status, item.status, "photo_sent", row["kind"]
            )
        report.photos_sent.append(f"{local_id}#{seq}")


def _photo_refused(outbox: Outbox, local_id: str, seq: int, err: errors.APIStatusError) -> None:
    """A photo the bureau will not take (a final registration, a bad file): kept, flagged."""
    entry = {"field": "photo", "code": err.code, "message": err.detail,
             "message_zh": err.detail_zh}  # fmt: skip
    with outbox._write() as conn:
        conn.execute(
            "UPDATE attachments SET error_code = ? WHERE local_id = ? AND seq = ?",
            (err.code, local_id, seq),
        )
        conn.execute("UPDATE items SET errors = ? WHERE local_id = ?", (dumps([entry]), local_id))
        item = outbox._get(conn, local_id)
        outbox._history(conn, local_id, "bureau", item.status, item.status, "photo_refused",
                        err.code)  # fmt: skip
    logger.warning("outbox: photo %s#%s refused (%s)", local_id, seq, err.code)


def _follow_feed(
    outbox: Outbox,
    client: SyncClient,
    report: SyncReport,
    stores: Sequence[str] | None,
    cursor_key: str,
) -> None:
    events = getattr(client, "events", None)
    where, params = stores_clause(stores)
    with outbox._read() as conn:
        followed = conn.execute(
            "SELECT COUNT(*) FROM items WHERE registration_id IS NOT NULL"  # noqa: S608 - adds only placeholders
            " AND status IN ('plate_assigned', 'awaiting_review', 'returned')" + where,
            params,
        ).fetchone()[0]
        found = conn.execute("SELECT value FROM meta WHERE key = ?", (cursor_key,)).fetchone()
    if events is None or not followed:
        return
    cursor = found[0] if found else None
    try:
        for event in events.list(after=cursor, limit=100):
            _apply_event(outbox, event.id, event.data.get("object") or {}, report, cursor_key)
    except _RETRYABLE as err:
        raise _Unreachable("", _code(err)) from err


def _apply_event(
    outbox: Outbox, event_id: str, doc: dict[str, Any], report: SyncReport, cursor_key: str
) -> None:
    with outbox._write() as conn:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (cursor_key, event_id),
        )
        row = conn.execute(
            "SELECT local_id, status FROM items WHERE registration_id = ?", (doc.get("id"),)
        ).fetchone()
        if row is None or row["status"] not in FOLLOWED_STATUSES:
            return
        try:
            to = ItemStatus(str(doc.get("status")))
        except ValueError:
            return  # a state a newer bureau added: the next known one will come
        if to not in _REVIEW_STATES:
            return  # states before the plate are sync's own (a car's ``submitted``...)
        item = outbox._get(conn, row["local_id"])
        if to == item.status:
            conn.execute(
                "UPDATE items SET registration = ? WHERE local_id = ?",
                (json.dumps(doc, ensure_ascii=False), item.local_id),
            )
            return
        outbox._set_status(
            conn, item, to, "bureau", str(to), detail=_review_detail(doc),
            registration=json.dumps(doc, ensure_ascii=False),
            cancel_requested_at=None if to in FINAL_STATUSES else _requested(conn, item),
        )  # fmt: skip
    report.review_updates.append((item.local_id, str(to)))


def _requested(conn: Conn, item: OutboxItem) -> Any:
    return conn.execute(
        "SELECT cancel_requested_at FROM items WHERE local_id = ?", (item.local_id,)
    ).fetchone()[0]


def _review_detail(doc: dict[str, Any]) -> str:
    review = doc.get("review") or {}
    reasons = review.get("reasons") or []
    return "; ".join(
        f"{r.get('photo_kind') or r.get('code')}: {r.get('message_zh', '')}" for r in reasons
    )


def erase_sent_photos(outbox: Outbox) -> int:
    """Erase the bytes of photos the bureau has (hash kept); on SQLite then checkpoint and
    truncate the WAL so no copy stays readable in the outbox file or its journal."""
    with outbox._write() as conn:
        rows = conn.execute(
            "SELECT a.local_id, a.seq, a.data, a.sha256 FROM attachments a"
            " JOIN items i ON i.local_id = a.local_id"
            " WHERE a.upload_id IS NOT NULL AND length(a.data) > 0"
            " AND i.registration_id IS NOT NULL"
        ).fetchall()
        for row in rows:
            digest = row["sha256"]
            if digest is None:
                data = photo_bytes(outbox, conn, row["local_id"], row["seq"], bytes(row["data"]))
                digest = hashlib.sha256(data).hexdigest()
            conn.execute(
                "UPDATE attachments SET sha256 = ?, data = ?, size = 0"
                " WHERE local_id = ? AND seq = ?",
                (digest, b"", row["local_id"], row["seq"]),
            )
    erased = len(rows)
    if erased:
        outbox._backend.after_erase()
    return erased
