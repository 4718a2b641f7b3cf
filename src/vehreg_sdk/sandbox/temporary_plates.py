"""Temporary plates (临时行驶车号牌) at the sandbox bureau: the request, and reading one.

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

from .. import privacy, rules
from ..rules import Violation
from ..types import TemporaryPlateCreate
from .auth import Dealer
from .bureau import Bureau
from .clock import rfc3339, shanghai_date
from .events import record_event
from .problems import ProblemError, json_object, violation
from .registrations import _uploads, new_id
from .seed import TEMPORARY_PLATE_ISSUERS
from .validation import _structural, merge

__all__ = ["create_temporary_plate", "load", "public"]


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


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as the contract shows it (without the bureau's own bookkeeping)."""
    shown = dict(doc)
    shown["delivery"] = {k: v for k, v in doc["delivery"].items() if k != "mailed_at_ts"}
    return shown
