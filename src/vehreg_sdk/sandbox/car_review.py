"""The station's work on a car registration, run by the same sweep as the e-bike review.

Each step happens ``review_delay`` seconds after the one before (0 in tests),
with deterministic triggers on the invoice number, as for e-bikes:

1. ``submitted``: the inspection (查验) compares the car with its papers.
   Invoice ending ``0098``: ``rejected`` (the car does not match). Otherwise
   ``awaiting_safety_test`` when the safety test is required, else ``plate_assigned``.
2. ``awaiting_safety_test``: the test passes, ``plate_assigned``. On the on-site
   inspection channel the test was run at the depot: no such step.
3. ``plate_assigned`` gets the plate number and the bureau-signed plate token
   (:func:`.plate_credentials.issue_plate_credentials`, shared with e-bikes); the
   plate-fitted photo makes it ``awaiting_review`` (on the on-site channel it follows
   at once: the inspectors took the vehicle photos at the depot).
4. The review: a required photo kind missing (``GET /v1/photo-requirements``,
   kind ``car``) or an invoice ending ``0097`` on the first round: ``returned``;
   otherwise ``approved``. Retaking every named kind restarts the review.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from . import review_steps
from .auth import Dealer
from .bureau import Bureau
from .clock import rfc3339
from .photo_requirements import required_kinds
from .plate_credentials import issue_plate_credentials
from .plate_selections import release
from .uploads import IncomingFile
from .vehicle_registrations import OPEN_STATUSES, load, save

__all__ = ["add_photo", "sweep"]

RETURN_TRIGGER = "0097"
REJECT_TRIGGER = "0098"


def _facts(doc: dict[str, Any]) -> dict[str, bool]:
    unit = doc["owner"].get("kind") == "unit"
    return {
        "agent": doc.get("agent") is not None,
        "unit_owner": unit,
        "person_owner": not unit,
        "station_channel": _at_station(doc),
    }


def _at_station(doc: dict[str, Any]) -> bool:
    return bool(doc.get("channel", "station") == "station")


def _review(doc: dict[str, Any], review_round: int) -> tuple[str, list[dict[str, Any]]]:
    present = {photo["kind"] for photo in doc.get("photos", [])}
    missing = [k for k in required_kinds("car", _facts(doc)) if k not in present]
    if missing:
        return "returned", review_steps.missing_photo_reasons("car", missing)
    if str(doc["invoice"]["number"]).endswith(RETURN_TRIGGER) and review_round == 1:
        return "returned", [
            {
                "code": "photo.unreadable",
                "photo_kind": "invoice",
                "message": "The invoice photo is unreadable; take it again.",
                "message_zh": "购车发票照片不清晰，请重新拍摄。",
            }
        ]
    return "approved", []


def _advance(bureau: Bureau, conn: sqlite3.Connection, row: sqlite3.Row, now: float) -> None:
    """One step of one registration, inside the caller's write transaction."""
    doc: dict[str, Any] = json.loads(row["doc"])
    status = row["status"]
    delay = bureau.settings.review_delay
    if status == "awaiting_review":
        review_round = int(row["review_round"]) + 1
        outcome, reasons = _review(doc, review_round)
        retakes = review_steps.record_review(doc, outcome, reasons, now)
        save(conn, row, doc, now, due_at=None, retakes=retakes, review_round=review_round)
        return
    if status == "submitted" and str(doc["invoice"]["number"]).endswith(REJECT_TRIGGER):
        doc["status"] = "rejected"
        doc["review"] = {
            "outcome": "rejected",
            "reasons": [
                {
                    "code": "inspection.vehicle_mismatch",
                    "photo_kind": None,
                    "message": "The inspection found the car does not match its certificate.",
                    "message_zh": "查验发现车辆与合格证不符。",
                }
            ],
            "reviewed_at": rfc3339(now),
        }
        release(conn, doc.get("selection_id"), now)
        save(conn, row, doc, now, due_at=None, retakes=[])
        return
    if status == "submitted" and doc["safety_test"] == "required" and _at_station(doc):
        doc["status"] = "awaiting_safety_test"
        save(conn, row, doc, now, due_at=now + delay, retakes=[])
        return
    doc["status"] = "plate_assigned"
    doc["plate_number"] = row["plate_number"]
    credentials = issue_plate_credentials(
        bureau,
        registration_id=doc["id"],
        plate=row["plate_number"],
        store_id=doc["store_id"] or doc["onsite_inspection_id"],
        issued_at=now,
        plate_kind=int(doc["plate_kind"]),  # the GA 24.7 code: 02, 52, 01, 51
        vin=doc["vehicle"]["vin"],
    )
    doc["plate_token"] = credentials.plate_token
    doc["plate_credential"] = credentials.plate_credential
    save(conn, row, doc, now, due_at=None, retakes=[])
    if not _at_station(doc):
        # On site the inspectors photographed the vehicles: the review follows the plate.
        doc["status"] = "awaiting_review"
        save(conn, row, doc, now, due_at=now + delay, retakes=[])


def sweep(bureau: Bureau, now: float) -> int:
    """Take every car registration whose next step is due one step further; how many steps."""
    done = 0
    for _ in range(4):  # steps without delay follow each other in one sweep
        due = review_steps.due_keys(
            bureau,
            "SELECT id, status FROM vehicle_registrations WHERE due_at <= ? AND status IN "
            "('submitted', 'awaiting_safety_test', 'awaiting_review') "
            "ORDER BY due_at LIMIT 100",
            now,
        )
        if not due:
            break
        done += review_steps.step_each(
            bureau,
            due,
            "SELECT * FROM vehicle_registrations WHERE id = ? AND status = ? AND due_at <= ?",
            now,
            lambda conn, row: _advance(bureau, conn, row, now),
        )
    return done


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
        table="vehicle_registrations",
        open_statuses=OPEN_STATUSES,
        load=load,
        start_review=_start_review,
    )


def _start_review(
    conn: sqlite3.Connection, row: sqlite3.Row, doc: dict[str, Any], now: float, due_at: float
) -> None:
    save(conn, row, doc, now, due_at=due_at, retakes=[])
