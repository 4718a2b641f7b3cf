"""Temporary plates (临时行驶车号牌) at the sandbox bureau: request, issue, expiry and voiding.

:func:`create_temporary_plate` judges the request with
:func:`vehreg_sdk.rules.check_temporary_plate_request` (the function the till runs) against
the vehicle's earlier plates, inside one write transaction, and stores it ``requested``.
The same sweep that reviews registrations then takes each plate one step on the bureau's
clock (:func:`sweep`):

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

from pydantic import ValidationError

from .. import _cwt, privacy, rules
from .._plate_claims import KIND_CAR_TEMPORARY, encode_claims
from ..rules import Violation
from ..types import TemporaryPlateCreate
from .auth import Dealer
from .bureau import Bureau
from .clock import rfc3339, shanghai_date
from .events import record_event
from .plate_credentials import ISSUER, revoke_plate
from .problems import ProblemError, json_object, unknown_field, violation
from .registrations import _uploads, invalid_state, new_id
from .seed import TEMPORARY_PLATE_ISSUERS
from .validation import _structural, merge
from .vehicle_registrations import load as load_registration

__all__ = [
    "MAIL_DELIVERY_SECONDS",
    "create_temporary_plate",
    "load",
    "public",
    "record_plates_handed_over",
    "sweep",
]

#: The sandbox's post: a mailed plate is delivered one day after it is mailed.
MAIL_DELIVERY_SECONDS = 86_400.0
#: Car registration statuses in which the car has its plate number (the metal plates exist).
_PLATED = ("plate_assigned", "awaiting_review", "returned", "approved")


def _rules(bureau: Bureau) -> rules.TemporaryPlateRules:
    return bureau.settings.car_rules.temporary_plates


def _parse(payload: Any, bureau: Bureau, today: date) -> TemporaryPlateCreate:
    body = json_object(payload)
    try:
        return TemporaryPlateCreate.model_validate(body)
    except ValidationError as exc:
        found = rules.check_temporary_plate_request(body, on=today, rules=_rules(bureau))
        raise ProblemError(
            "validation.failed", errors=merge(rules.errors_only(found), _structural(exc))
        ) from None


def _previous_issues(conn: sqlite3.Connection, bureau: Bureau, vin: str, situation: str) -> int:
    group = sorted(_rules(bureau).counted_with(rules.TemporaryPlateSituation(situation)))
    marks = ", ".join("?" * len(group))
    row = conn.execute(
        f"SELECT COUNT(*) FROM temporary_plates WHERE vin = ? AND situation IN ({marks})",  # noqa: S608
        (vin, *group),
    ).fetchone()
    return int(row[0])


def _handed_over(conn: sqlite3.Connection, vin: str) -> tuple[str, date] | None:
    """(registration id, date) when a live registration of ``vin`` has its plates handed over."""
    for row in conn.execute(
        "SELECT id, doc FROM vehicle_registrations WHERE vin = ? "
        "AND status NOT IN ('rejected', 'cancelled')",
        (vin,),
    ):
        handed = json.loads(row["doc"]).get("plates_handed_over_on")
        if handed:
            return str(row["id"]), date.fromisoformat(handed)
    return None


def _existing(conn: sqlite3.Connection, dealer: Dealer, body: TemporaryPlateCreate) -> Any:
    row = conn.execute(
        "SELECT dealer_id, doc FROM temporary_plates WHERE vin = ? AND situation = ? "
        "AND valid_from = ?",
        (body.vin, body.situation, body.valid_from.isoformat()),
    ).fetchone()
    if row is None:
        return None
    if row["dealer_id"] != dealer.id:
        # Another dealer's plate is not disclosed (isolation), only the fact.
        raise ProblemError("temporary_plate.exists")
    return json.loads(row["doc"])


def _refuse(found: list[Violation]) -> None:
    codes = {item.code for item in found}
    code = "temporary_plate.limit_reached" if "temporary_plate.too_many_issues" in codes else None
    raise ProblemError(code or "validation.failed", status=422, errors=found)


def create_temporary_plate(
    bureau: Bureau, dealer: Dealer, payload: Any, *, now: float
) -> tuple[int, dict[str, Any]]:
    """(201, the new plate ``requested``), or (200, the plate this business key already made).

    Errors: 422 ``validation.failed`` / ``temporary_plate.limit_reached`` /
    ``temporary_plate.plates_handed_over``; 404 ``store.not_found``; 409
    ``temporary_plate.exists`` (another dealer's plate has this business key). Nothing is
    written unless it succeeds.
    """
    today = shanghai_date(now)
    body = _parse(payload, bureau, today)
    delay = bureau.settings.review_delay
    try:
        with bureau.db.write() as conn:
            existing = _existing(conn, dealer, body)
            if existing is not None:
                return 200, existing
            doc = _judge_and_build(conn, bureau, dealer, body, now)
            conn.execute(
                "INSERT INTO temporary_plates (id, dealer_id, store_id, vin, situation, "
                "valid_from, status, created_at, updated_at, due_at, doc) "
                "VALUES (?, ?, ?, ?, ?, ?, 'requested', ?, ?, ?, ?)",
                (
                    doc["id"],
                    dealer.id,
                    body.store_id,
                    body.vin,
                    body.situation,
                    body.valid_from.isoformat(),
                    now,
                    now,
                    now + delay,
                    json.dumps(doc, ensure_ascii=False),
                ),
            )
            record_event(conn, dealer.id, doc, now)
    except sqlite3.IntegrityError:
        # A racing request (another process) took the business key first: answer with its plate.
        with bureau.db.read() as conn:
            existing = _existing(conn, dealer, body)
        if existing is None:
            raise
        return 200, existing
    bureau.events_created()
    bureau.review_due_in(delay)
    return 201, doc


def _judge_and_build(
    conn: sqlite3.Connection,
    bureau: Bureau,
    dealer: Dealer,
    body: TemporaryPlateCreate,
    now: float,
) -> dict[str, Any]:
    store = conn.execute(
        "SELECT 1 FROM stores WHERE id = ? AND dealer_id = ?", (body.store_id, dealer.id)
    ).fetchone()
    if store is None:
        raise ProblemError(
            "store.not_found",
            errors=[violation("store_id", "store.not_found", "No such store.", "门店不存在。")],
        )
    handed = _handed_over(conn, body.vin)
    if handed is not None:
        raise ProblemError("temporary_plate.plates_handed_over")
    kinds, missing = _uploads(conn, dealer, body.uploads)
    previous = _previous_issues(conn, bureau, body.vin, body.situation)
    found = list(missing) + rules.errors_only(
        rules.check_temporary_plate_request(
            body,
            on=shanghai_date(now),
            previous_issues=previous,
            upload_kinds=kinds.values(),
            rules=_rules(bureau),
        )
    )
    if found:
        _refuse(found)
    owner = body.owner
    stamp = rfc3339(now)
    issuer = body.store_id in TEMPORARY_PLATE_ISSUERS
    return {
        "id": new_id("tp"),
        "object": "temporary_plate",
        "status": "requested",
        "store_id": body.store_id,
        "situation": body.situation,
        "vin": body.vin,
        # The bureau never stores or echoes the raw identity: masked here, once.
        "owner": {
            "kind": owner.kind,
            "name": privacy.mask_name(owner.name),
            "id_type": owner.id_type,
            "id_number": privacy.mask_id_number(owner.id_number),
            "mobile": privacy.mask_mobile(owner.mobile),
        },
        "insurance_policy_number": body.insurance.policy_number,
        "insurance_ends_on": body.insurance.ends_on.isoformat(),
        "valid_from": body.valid_from.isoformat(),
        "valid_to": body.valid_to.isoformat(),
        "last_valid_day": body.valid_to.isoformat(),
        "issue_number": previous + 1,
        "plate_kind": "22",
        "plate_number": None,
        "plate_credential": None,
        "not_before": None,
        "expires_at": None,
        "issue_due_at": rfc3339(now + bureau.settings.review_delay),
        "issued_at": None,
        "issuer": None,
        "delivery": {
            "method": "print_at_store" if issuer else "mail",
            "status": "pending",
            "tracking_number": None,
            "mailed_at": None,
            "delivered_at": None,
        },
        "void": None,
        "uploads": list(body.uploads),
        "client_reference": body.client_reference,
        "created_at": stamp,
        "updated_at": stamp,
    }


def load(conn: sqlite3.Connection, dealer: Dealer, plate_id: str) -> sqlite3.Row:
    """The dealer's temporary plate row, or 404 (another dealer's id is simply not found)."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM temporary_plates WHERE id = ? AND dealer_id = ?", (plate_id, dealer.id)
    ).fetchone()
    if row is None:
        raise ProblemError("temporary_plate.not_found")
    return row


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


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as the contract shows it (without the bureau's own bookkeeping)."""
    shown = dict(doc)
    shown["delivery"] = {k: v for k, v in doc["delivery"].items() if k != "mailed_at_ts"}
    return shown


def sweep(bureau: Bureau, now: float) -> int:
    """Take every temporary plate whose next step is due; how many steps."""
    with bureau.db.read() as conn:
        due = [
            str(row[0])
            for row in conn.execute(
                "SELECT id FROM temporary_plates WHERE due_at <= ? ORDER BY due_at LIMIT 100",
                (now,),
            )
        ]
    done = 0
    for plate_id in due:
        with bureau.db.write() as conn:
            # Read again under the write lock: another worker may have taken this step.
            row = conn.execute(
                "SELECT * FROM temporary_plates WHERE id = ? AND due_at <= ?", (plate_id, now)
            ).fetchone()
            if row is None:
                continue
            _advance(bureau, conn, row, now)
        done += 1
    return done


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
    config = _rules(bureau)
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
