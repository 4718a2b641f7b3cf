"""The timer and photo mechanics the e-bike review, the car station and temporary plates share.

Each kind keeps its own rules (:mod:`.review`, :mod:`.car_review`,
:mod:`.temporary_plate_lifecycle`); what is the same is here: finding the rows whose
step fell due and taking each one under the write lock, recording a review's outcome,
the ``photo.missing`` reasons, and attaching a photo that may start a review.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from .auth import Dealer
from .bureau import Bureau
from .clock import rfc3339
from .photo_requirements import label_zh
from .registrations import invalid_state, new_id
from .uploads import IncomingFile, insert_upload

__all__ = [
    "add_photo",
    "due_keys",
    "missing_photo_reasons",
    "record_review",
    "step_each",
]

#: A photo that does not start a review: the retakes still outstanding and the new doc.
_KEEP_UNDER_REVIEW = {
    "registrations": "UPDATE registrations SET updated_at = ?, retakes = ?, doc = ? WHERE id = ?",
    "vehicle_registrations": (
        "UPDATE vehicle_registrations SET updated_at = ?, retakes = ?, doc = ? WHERE id = ?"
    ),
}


def due_keys(bureau: Bureau, due_sql: str, now: float) -> list[tuple[Any, ...]]:
    """The key columns of the rows ``due_sql`` (one ``?``: now) finds due, read outside a write."""
    with bureau.db.read() as conn:
        return [tuple(row) for row in conn.execute(due_sql, (now,))]


def step_each(
    bureau: Bureau,
    keys: Iterable[Sequence[Any]],
    recheck_sql: str,
    now: float,
    step: Callable[[sqlite3.Connection, sqlite3.Row], None],
) -> int:
    """Take one step on each due row, each in its own write transaction; how many steps.

    ``recheck_sql`` reads the row again under the write lock with the key columns and
    ``now`` as parameters: another worker may have taken this step already.
    """
    done = 0
    for key in keys:
        with bureau.db.write() as conn:
            row = conn.execute(recheck_sql, (*key, now)).fetchone()
            if row is None:
                continue
            step(conn, row)
        done += 1
    return done


def missing_photo_reasons(registration_kind: str, missing: Iterable[str]) -> list[dict[str, Any]]:
    """One ``photo.missing`` reason per missing photo kind, in the contract's labels."""
    return [
        {
            "code": "photo.missing",
            "photo_kind": kind,
            "message": f"The {kind.replace('_', ' ')} photo is missing; upload it.",
            "message_zh": f"缺少{label_zh(registration_kind, kind)}，请补拍上传。",
        }
        for kind in missing
    ]


def record_review(
    doc: dict[str, Any], outcome: str, reasons: list[dict[str, Any]], now: float
) -> list[str]:
    """Put a review's outcome on ``doc``; the photo kinds it asks to be retaken."""
    doc["status"] = outcome
    doc["review"] = {"outcome": outcome, "reasons": reasons, "reviewed_at": rfc3339(now)}
    return sorted({r["photo_kind"] for r in reasons if r["photo_kind"]})


def add_photo(
    bureau: Bureau,
    dealer: Dealer,
    registration_id: str,
    incoming: IncomingFile,
    *,
    now: float,
    table: Literal["registrations", "vehicle_registrations"],
    open_statuses: Sequence[str],
    load: Callable[[sqlite3.Connection, Dealer, str], sqlite3.Row],
    start_review: Callable[[sqlite3.Connection, sqlite3.Row, dict[str, Any], float, float], None],
) -> dict[str, Any]:
    """Attach a photo. The plate-fitted photo, or the last requested retake, starts a review.

    ``start_review(conn, row, doc, now, due_at)`` saves ``doc`` (status ``awaiting_review``)
    with the review due at ``due_at`` and no retakes outstanding.
    """
    delay = bureau.settings.review_delay
    with bureau.db.write() as conn:
        row = load(conn, dealer, registration_id)
        status = row["status"]
        if status not in open_statuses:
            raise invalid_state(status, "given photos", "补充照片")
        upload = insert_upload(conn, new_id("up"), dealer.id, incoming, now)
        doc: dict[str, Any] = json.loads(row["doc"])
        doc["uploads"].append(upload["id"])
        doc["photos"].append(
            {"kind": incoming.kind, "upload_id": upload["id"], "added_at": upload["created_at"]}
        )
        retakes = [kind for kind in json.loads(row["retakes"]) if kind != incoming.kind]
        starts_review = (status == "plate_assigned" and incoming.kind == "plate_fitted") or (
            status == "returned" and not retakes
        )
        if starts_review:
            doc["status"] = "awaiting_review"
            start_review(conn, row, doc, now, now + delay)
        else:
            doc["updated_at"] = rfc3339(now)
            conn.execute(
                _KEEP_UNDER_REVIEW[table],
                (now, json.dumps(retakes), json.dumps(doc, ensure_ascii=False), row["id"]),
            )
    if starts_review:
        bureau.events_created()
        bureau.review_due_in(delay)
    return doc
