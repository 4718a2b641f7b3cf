"""A temporary plate's steps on the bureau's clock, run by the review sweep (:func:`sweep`).

1. ``requested`` → ``issued`` ``review_delay`` seconds after acceptance (art. 48: within a
   day; 0 in tests): the number (``temporary_plate_format``), and the compact credential
   (kind 22, the VIN as a digest, ``nbf``/``exp`` the validity) for a store authorised to
   print it; for any other store the plate is mailed (delivered a day later).
2. ``issued`` → ``expired`` at 00:00 Asia/Shanghai after ``last_valid_day``, or ``voided``
   when the car's metal plates were handed over (:func:`record_plates_handed_over`): then
   the last day is 3 days after the hand-over, and the plate goes on the plate status list.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

from .. import _cwt, rules
from .._plate_claims import KIND_CAR_TEMPORARY, encode_claims
from . import review_steps
from .auth import Dealer
from .bureau import Bureau
from .clock import rfc3339, shanghai_date
from .events import record_event
from .plate_credentials import ISSUER, revoke_plate
from .problems import ProblemError, json_object, unknown_field, violation
from .registrations import invalid_state
from .temporary_plates import public
from .vehicle_registrations import load as load_registration

__all__ = ["MAIL_DELIVERY_SECONDS", "record_plates_handed_over", "sweep"]

#: The sandbox's post: a mailed plate is delivered one day after it is mailed.
MAIL_DELIVERY_SECONDS = 86_400.0
#: Car registration statuses in which the car has its plate number (the metal plates exist).
_PLATED = ("plate_assigned", "awaiting_review", "returned", "approved")


def _window(doc: dict[str, Any]) -> tuple[int, int]:
    return rules.validity_window(
        date.fromisoformat(doc["valid_from"]), date.fromisoformat(doc["last_valid_day"])
    )


def _next_due(doc: dict[str, Any]) -> float | None:
    """When the plate takes its next step (expiry, voiding, or the post's delivery)."""
    if doc["status"] != "issued":
        return None
    due = float(_window(doc)[1])
    delivery = doc["delivery"]
    if delivery["method"] == "mail" and delivery["status"] == "mailed":
        due = min(due, float(delivery["mailed_at_ts"]) + MAIL_DELIVERY_SECONDS)
    return due


def _write(conn: sqlite3.Connection, row: sqlite3.Row, doc: dict[str, Any], now: float) -> None:
    doc["updated_at"] = rfc3339(now)
    conn.execute(
        "UPDATE temporary_plates SET status = ?, serial = COALESCE(?, serial), updated_at = ?, "
        "due_at = ?, doc = ? WHERE id = ?",
        (
            doc["status"],
            doc.pop("_serial", None),
            now,
            _next_due(doc),
            json.dumps(doc, ensure_ascii=False),
            row["id"],
        ),
    )


def _issue(bureau: Bureau, conn: sqlite3.Connection, doc: dict[str, Any], now: float) -> None:
    latest = conn.execute("SELECT COALESCE(MAX(serial), 0) FROM temporary_plates").fetchone()
    serial = int(latest[0]) + 1
    number = bureau.settings.temporary_plate_format.format(serial=serial)
    nbf, exp = _window(doc)
    doc.update(status="issued", plate_number=number, issued_at=rfc3339(now), _serial=serial)
    doc["issuer"] = ISSUER
    doc.update(not_before=rfc3339(nbf), expires_at=rfc3339(exp))
    delivery = doc["delivery"]
    if delivery["method"] == "print_at_store":
        claims = encode_claims(
            issuer=ISSUER,
            issued_at=int(now),
            plate=number,
            plate_kind=KIND_CAR_TEMPORARY,
            registration_id=doc["id"],
            vin=doc["vin"],
            not_before=nbf,
            expires_at=exp,
            vin_as_digest=True,
        )
        doc["plate_credential"] = _cwt.sign(claims, bureau.signing_key, bureau.kid)
        delivery["status"] = "printable"
    else:
        delivery.update(
            status="mailed",
            tracking_number=f"SBX{serial:010d}",
            mailed_at=rfc3339(now),
            mailed_at_ts=now,
        )


def _advance(bureau: Bureau, conn: sqlite3.Connection, row: sqlite3.Row, now: float) -> None:
    doc: dict[str, Any] = json.loads(row["doc"])
    if doc["status"] == "requested" and doc.get("void") and now >= _window(doc)[1]:
        doc["status"] = "voided"  # its last day passed before it was issued: never issued
        _write(conn, row, doc, now)
        record_event(conn, row["dealer_id"], public(doc), now)
        return
    if doc["status"] == "requested":
        _issue(bureau, conn, doc, now)
        _write(conn, row, doc, now)
        record_event(conn, row["dealer_id"], public(doc), now)
        return
    delivery = doc["delivery"]
    if delivery["status"] == "mailed" and now >= delivery["mailed_at_ts"] + MAIL_DELIVERY_SECONDS:
        delivery.update(status="delivered", delivered_at=rfc3339(now))
    if now >= _window(doc)[1]:
        doc["status"] = "voided" if doc.get("void") else "expired"
        if doc["status"] == "voided":
            revoke_plate(conn, doc["id"], "voided", now)
        _write(conn, row, doc, now)
        record_event(conn, row["dealer_id"], public(doc), now)
        return
    _write(conn, row, doc, now)


def sweep(bureau: Bureau, now: float) -> int:
    """Take every temporary plate whose next step is due; how many steps."""
    due = review_steps.due_keys(
        bureau, "SELECT id FROM temporary_plates WHERE due_at <= ? ORDER BY due_at LIMIT 100", now
    )
    return review_steps.step_each(
        bureau,
        due,
        "SELECT * FROM temporary_plates WHERE id = ? AND due_at <= ?",
        now,
        lambda conn, row: _advance(bureau, conn, row, now),
    )


def _handover_date(payload: Any, today: date) -> date:
    if payload is None:
        return today
    body = json_object(payload)
    errors = [unknown_field(name) for name in body if name != "handed_over_on"]
    value = body.get("handed_over_on")
    day: date | None = None
    if value is None:
        day = today
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            day = None
    if day is None or day > today:
        errors.append(
            violation(
                "handed_over_on",
                "plates_handed_over.date",
                "handed_over_on is a date (YYYY-MM-DD), not after today (Asia/Shanghai).",
                "handed_over_on 应为日期（YYYY-MM-DD），且不晚于今日（北京时间）。",
            )
        )
    if errors:
        raise ProblemError("validation.failed", errors=errors)
    assert day is not None
    return day


def record_plates_handed_over(
    bureau: Bureau, dealer: Dealer, registration_id: str, payload: Any, *, now: float
) -> dict[str, Any]:
    """Record the day the owner received the metal plates; every temporary plate of the VIN is
    then void ``void_after_plates_days`` later. Idempotent for the same day; another day is
    409 ``registration.plates_already_handed_over``."""
    today = shanghai_date(now)
    day = _handover_date(payload, today)
    config = bureau.settings.car_rules.temporary_plates
    with bureau.db.write() as conn:
        row = load_registration(conn, dealer, registration_id)
        doc: dict[str, Any] = json.loads(row["doc"])
        if row["status"] not in _PLATED:
            raise invalid_state(row["status"], "given its metal plates", "交付正式号牌")
        recorded = doc.get("plates_handed_over_on")
        if recorded == day.isoformat():
            return doc
        if recorded:
            raise ProblemError("registration.plates_already_handed_over")
        doc["plates_handed_over_on"] = day.isoformat()
        doc["updated_at"] = rfc3339(now)
        conn.execute(
            "UPDATE vehicle_registrations SET updated_at = ?, doc = ? WHERE id = ?",
            (now, json.dumps(doc, ensure_ascii=False), row["id"]),
        )
        for plate in conn.execute(
            "SELECT * FROM temporary_plates WHERE vin = ? AND status IN ('requested', 'issued')",
            (doc["vehicle"]["vin"],),
        ).fetchall():
            plate_doc: dict[str, Any] = json.loads(plate["doc"])
            last = rules.last_valid_day(date.fromisoformat(plate_doc["valid_to"]), day, config)
            plate_doc["last_valid_day"] = last.isoformat()
            plate_doc["void"] = {
                "reason": "plates_handed_over",
                "plates_handed_over_on": day.isoformat(),
                "registration_id": row["id"],
                "last_valid_day": last.isoformat(),
            }
            if plate_doc["status"] == "requested":
                plate_doc["updated_at"] = rfc3339(now)
                conn.execute(
                    "UPDATE temporary_plates SET updated_at = ?, doc = ? WHERE id = ?",
                    (now, json.dumps(plate_doc, ensure_ascii=False), plate["id"]),
                )
            else:
                _write(conn, plate, plate_doc, now)
    bureau.review_due_in(0.0)
    return doc
