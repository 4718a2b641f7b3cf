"""Plate-fitted photos and the police review (复核), with deterministic triggers.

The review happens by itself ``review_delay`` seconds after a registration
becomes ``awaiting_review`` (0 in tests); any request also runs reviews that
fell due, so state is right even after a restart. Outcomes, in this order:

1. a required photo kind is missing: ``returned``, one reason per missing kind;
2. invoice number ending ``0097``, first review: ``returned`` (retake the invoice);
3. invoice number ending ``0098``: ``rejected`` (final; the plate is revoked);
4. otherwise ``approved`` (final).

A script stored with the sandbox-only test helper
(:mod:`~vehreg_sdk.sandbox.review_script`) overrides all of these once.

A returned registration goes back to ``awaiting_review`` once every photo kind
named in the reasons has been uploaded again.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from . import car_review, review_steps, temporary_plate_lifecycle
from .auth import Dealer
from .bureau import Bureau
from .photo_requirements import required_kinds, requirements
from .registrations import OPEN_STATUSES, load, save
from .review_script import take_script
from .uploads import IncomingFile

#: Photo kinds a registration needs before it can be approved: from the contract's table
#: (``GET /v1/photo-requirements``), so the two cannot disagree.
REQUIRED_PHOTO_KINDS: tuple[str, ...] = tuple(required_kinds("ebike"))
#: Every e-bike photo kind of the contract's table, required or optional (test helper).
PHOTO_KINDS: tuple[str, ...] = tuple(
    rule.photo_kind for rule in requirements("ebike") if rule.registration_kind == "ebike"
)
RETURN_TRIGGER = "0097"
REJECT_TRIGGER = "0098"


def decide(doc: dict[str, Any], review_round: int) -> tuple[str, list[dict[str, Any]]]:
    """The outcome (``approved``/``returned``/``rejected``) and reasons of one review."""
    present = {photo["kind"] for photo in doc.get("photos", [])}
    missing = [kind for kind in REQUIRED_PHOTO_KINDS if kind not in present]
    if missing:
        return "returned", review_steps.missing_photo_reasons("ebike", missing)
    invoice_number = str(doc["sale"]["invoice_number"])
    if invoice_number.endswith(RETURN_TRIGGER) and review_round == 1:
        return "returned", [
            {
                "code": "photo.unreadable",
                "photo_kind": "invoice",
                "message": "The invoice photo is unreadable; take it again.",
                "message_zh": "销售发票照片不清晰，请重新拍摄。",
            }
        ]
    if invoice_number.endswith(REJECT_TRIGGER):
        return "rejected", [
            {
                "code": "review.vehicle_mismatch",
                "photo_kind": None,
                "message": (
                    "The bike in the photos does not match its certificate; the plate is revoked."
                ),
                "message_zh": "照片中的车辆与合格证不符，号牌已收回。",
            }
        ]
    return "approved", []


def sweep(bureau: Bureau, now: float) -> int:
    """Review every registration whose review is due; how many were reviewed."""
    due = review_steps.due_keys(
        bureau,
        "SELECT id FROM registrations "
        "WHERE review_due_at <= ? AND status = 'awaiting_review' "
        "ORDER BY review_due_at LIMIT 100",
        now,
    )
    reviewed = review_steps.step_each(
        bureau,
        due,
        "SELECT * FROM registrations WHERE id = ? AND status = 'awaiting_review' "
        "AND review_due_at <= ?",
        now,
        lambda conn, row: _review(conn, row, now),
    )
    # The station's steps for cars, and the temporary plates' issue, expiry and voiding.
    return reviewed + car_review.sweep(bureau, now) + temporary_plate_lifecycle.sweep(bureau, now)


def _review(conn: sqlite3.Connection, row: sqlite3.Row, now: float) -> None:
    review_round = int(row["review_round"]) + 1
    doc = json.loads(row["doc"])
    scripted = take_script(conn, row["id"])
    outcome, reasons = scripted or decide(doc, review_round)
    retakes = review_steps.record_review(doc, outcome, reasons, now)
    save(conn, row, doc, now, review_due_at=None, retakes=retakes, review_round=review_round)


def add_photo(
    bureau: Bureau, dealer: Dealer, registration_id: str, incoming: IncomingFile, *, now: float
) -> dict[str, Any]:
    """Attach a photo. The plate-fitted photo, or the last requested retake, starts a review."""
    return review_steps.add_photo(
        bureau,
        dealer,
        registration_id,
        incoming,
        now=now,
        table="registrations",
        open_statuses=OPEN_STATUSES,
        load=load,
        start_review=_start_review,
    )


def _start_review(
    conn: sqlite3.Connection, row: sqlite3.Row, doc: dict[str, Any], now: float, due_at: float
) -> None:
    save(conn, row, doc, now, review_due_at=due_at, retakes=[])
