"""Car registrations at a 4S registration station: creation, cancellation and reads.

:func:`create_vehicle_registration` judges the body (structure, then
:func:`vehreg_sdk.rules.check_car_registration` against the certificate and the
tax office's record, the same function the till runs), then in one write
transaction holds the VIN (its durable business key), confirms the plate
selection, stores the registration ``submitted`` and records its event. The
station's work that follows (inspection, safety test, plate, review) is in
:mod:`.car_review`.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pydantic import ValidationError

from .. import privacy, rules
from ..rules import Violation
from ..types import VehicleRegistrationCreate
from . import car_catalogue, onsite_inspections, plate_selections
from .auth import Dealer
from .bureau import Bureau
from .clock import rfc3339, shanghai_date
from .events import record_event
from .fleet_plates import next_in_sequence, supervision_summary
from .plate_credentials import REVOCATION_REASONS, revoke_plate
from .problems import ProblemError, json_object, violation
from .purchase_tax import seconds_until_known, tax_record
from .registrations import _uploads, invalid_state, new_id
from .validation import _structural, merge

__all__ = ["OPEN_STATUSES", "cancel", "create_vehicle_registration", "load", "save"]

#: The event of a key vehicle's registration: its supervision enrolment is recorded.
KEY_VEHICLE_ENROLLED = "vehicle_registration.key_vehicle_enrolled"
#: A registration can still be cancelled, and photographed, in these statuses.
OPEN_STATUSES = (
    "submitted",
    "awaiting_safety_test",
    "plate_assigned",
    "awaiting_review",
    "returned",
)
#: Problem codes by precedence: the most specific cause names the answer.
_PRIORITY = (
    "vehicle.imported",
    "station.not_eligible",
    "onsite_inspection.not_passed",
    "supervision.required",
    "owner.not_local",
    "certificate.not_found",
    "tax.unpaid",
)


def _part(payload: dict[str, Any], name: str) -> Any:
    value = payload.get(name)
    return value if isinstance(value, dict) else None


def _parse(payload: Any, bureau: Bureau, now: float) -> VehicleRegistrationCreate:
    body = json_object(payload)
    try:
        return VehicleRegistrationCreate.model_validate(body)
    except ValidationError as exc:
        found = _structural(exc)
        raw = {name: _part(body, name) for name in ("vehicle", "owner", "agent", "invoice")}
        raw.update(insurance=_part(body, "insurance"), plate=_part(body, "plate"))
        raw.update(supervision=_part(body, "supervision"))
        for channel in ("store_id", "onsite_inspection_id"):
            if isinstance(body.get(channel), str):
                raw[channel] = body[channel]
        raw_rules = rules.check_car_registration(
            raw, on=shanghai_date(now), config=bureau.settings.car_rules
        )
        raise ProblemError(
            "validation.failed", errors=merge(rules.errors_only(raw_rules), found)
        ) from None


def _party(person: Any, kind: str | None) -> dict[str, Any]:
    # The bureau never stores or echoes the raw identity: masked here, once.
    return {
        "kind": kind,
        "name": privacy.mask_name(person.name),
        "id_type": person.id_type,
        "id_number": privacy.mask_id_number(person.id_number),
        "mobile": privacy.mask_mobile(person.mobile),
    }


def _refuse(found: list[Violation]) -> None:
    codes = {item.code for item in found}
    if any(c.startswith("onsite_inspection.") for c in codes):
        # Not inspected, not listed, not passed, another owner: one problem, the errors say which.
        codes.add("onsite_inspection.not_passed")
    code = next((c for c in _PRIORITY if c in codes), "validation.failed")
    routed = next((v for v in found if v.code == code and "routing" in v.extra), None)
    extra = {"routing": routed.extra["routing"]} if routed else None
    raise ProblemError(code, status=422, errors=found, extra=extra)


def create_vehicle_registration(
    bureau: Bureau, dealer: Dealer, payload: Any, *, now: float
) -> dict[str, Any]:
    """Register one car for ``dealer``: the registration document, or a :class:`ProblemError`.

    Errors: 422 ``validation.failed`` / ``station.not_eligible`` / ``vehicle.imported`` /
    ``owner.not_local`` / ``certificate.not_found`` / ``tax.unpaid``; 404
    ``store.not_found``; 409 ``tax.pending`` (retryable), ``vehicle.already_registered``,
    ``plate_number.taken``, ``plate_selection.invalid_state``. Nothing is written unless
    it succeeds.
    """
    config = bureau.settings.car_rules
    today = shanghai_date(now)
    body = _parse(payload, bureau, now)
    car = body.vehicle
    certificate = (
        car_catalogue.certificate_by_number(car.certificate_number or "")
        if car.origin == "domestic"
        else None
    )
    with bureau.db.read() as conn:
        store = conn.execute(
            "SELECT 1 FROM stores WHERE id = ? AND dealer_id = ?", (body.store_id, dealer.id)
        ).fetchone()
        if body.store_id is not None and store is None:
            raise ProblemError(
                "store.not_found",
                errors=[violation("store_id", "store.not_found", "No such store.", "门店不存在。")],
            )
        named = list(body.uploads)
        for extra_upload in (
            body.owner.residence_permit_upload,
            body.agent.authorisation_upload if body.agent else None,
        ):
            if extra_upload:
                named.append(extra_upload)
        kinds, missing = _uploads(conn, dealer, named)
        tax = tax_record(conn, car.vin, now)
        found = list(missing)
        if car.origin == "domestic" and certificate is None:
            found.append(
                violation(
                    "vehicle.certificate_number",
                    "certificate.not_found",
                    "No car certificate of conformity has this number; check it.",
                    "未找到该编号的机动车整车出厂合格证，请核对。",
                )
            )
        if body.onsite_inspection_id is not None:
            found += onsite_inspections.registrable(
                conn, dealer, body.onsite_inspection_id, car.vin, body.owner.id_number
            )
        known_tax = tax if tax["status"] != "unknown" else None
        found += rules.errors_only(
            rules.check_car_registration(body, certificate, on=today, tax=known_tax, config=config)
        )
        if found:
            _refuse(found)
        if tax["status"] == "unknown":
            wait = seconds_until_known(conn, car.vin, now)
            raise ProblemError("tax.pending", headers={"Retry-After": str(wait)}, retryable=True)
    registration_id = new_id("vr")
    stamp = rfc3339(now)
    key = rules.explain_key_vehicle(car.use_nature, car.vehicle_type, rules=config.key_vehicles)
    photos = [
        {"kind": kinds[upload_id], "upload_id": upload_id, "added_at": stamp}
        for upload_id in dict.fromkeys(named)
    ]
    doc: dict[str, Any] = {
        "id": registration_id,
        "object": "vehicle_registration",
        "status": "submitted",
        "store_id": body.store_id,
        "onsite_inspection_id": body.onsite_inspection_id,
        "channel": "station" if body.store_id is not None else "onsite_inspection",
        "vehicle": {
            "vin": car.vin,
            "certificate_number": car.certificate_number,
            "brand": certificate["brand"] if certificate else None,
            "model": certificate["model"] if certificate else None,
            "vehicle_type": car.vehicle_type,
            "use_nature": car.use_nature,
            "fuel_type": car.fuel_type,
            "energy_type": car.energy_type,
            "color": car.color or (certificate or {}).get("color"),
        },
        "owner": _party(body.owner, body.owner.kind),
        "agent": _party(body.agent, None) if body.agent else None,
        "invoice": {
            "number": body.invoice.number,
            "date": body.invoice.date.isoformat(),
            "price_fen": body.invoice.price_fen,
        },
        "insurance": {
            "policy_number": body.insurance.policy_number,
            "starts_on": body.insurance.starts_on.isoformat(),
            "ends_on": body.insurance.ends_on.isoformat(),
        },
        "plate_kind": body.plate.kind,
        "plate_source": body.plate.source,
        "selection_id": body.plate.selection_id if body.plate.source == "selection" else None,
        "plate_number": None,
        "plate_token": None,
        "plate_credential": None,
        "safety_test": rules.car_safety_test(car, certificate, today, config),
        "purchase_tax": {
            "status": tax["status"],
            "paid_fen": tax["paid_fen"],
            "relief_kind": tax["relief_kind"],
        },
        "key_vehicle": key is not None,
        "supervision": supervision_summary(body.supervision, key, stamp),
        "uploads": list(body.uploads),
        "photos": photos,
        "review": None,
        "cancellation": None,
        "plates_handed_over_on": None,
        "client_reference": body.client_reference,
        "created_at": stamp,
        "updated_at": stamp,
    }
    delay = bureau.settings.review_delay
    try:
        with bureau.db.write() as conn:
            holder = _live_holder(conn, car.vin)
            if holder is not None:
                raise _already_registered(holder, dealer)
            if body.plate.source == "selection":
                assert body.plate.selection_id is not None
                number = plate_selections.confirm(
                    conn,
                    dealer,
                    body.plate.selection_id,
                    vin=car.vin,
                    plate_kind=body.plate.kind,
                    registration_id=registration_id,
                    now=now,
                )
            elif body.plate.source == "sequence":
                number = next_in_sequence(conn, body.plate.kind, car.energy_type, config)
            else:
                assert body.plate.number is not None
                number = body.plate.number
                plate_selections.expire_holds(conn, now)
                if plate_selections.is_taken(conn, number):
                    raise ProblemError("plate_number.taken")
            conn.execute(
                "INSERT INTO vehicle_registrations (id, dealer_id, store_id, vin, status, "
                "plate_number, created_at, updated_at, due_at, doc) "
                "VALUES (?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?)",
                (
                    registration_id,
                    dealer.id,
                    body.store_id or "",
                    car.vin,
                    number,
                    now,
                    now,
                    now + delay,
                    json.dumps(doc, ensure_ascii=False),
                ),
            )
            record_event(conn, dealer.id, doc, now)
            if key is not None:
                record_event(
                    conn,
                    dealer.id,
                    doc,
                    now,
                    event_type="vehicle_registration.key_vehicle_enrolled",
                )
    except sqlite3.IntegrityError:
        # A partial UNIQUE index caught a racing create (another process): one winner.
        with bureau.db.read() as conn:
            holder = _live_holder(conn, car.vin)
        if holder is None:
            raise ProblemError("plate_number.taken") from None
        raise _already_registered(holder, dealer) from None
    bureau.events_created()
    bureau.review_due_in(delay)
    return doc


def _live_holder(conn: sqlite3.Connection, vin: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT id, dealer_id FROM vehicle_registrations WHERE vin = ? "
        "AND status NOT IN ('rejected', 'cancelled')",
        (vin,),
    ).fetchone()
    return row


def _already_registered(row: sqlite3.Row, dealer: Dealer) -> ProblemError:
    own = row["dealer_id"] == dealer.id
    # Another dealer's registration id is not disclosed (isolation), only the fact.
    return ProblemError(
        "vehicle.already_registered",
        detail="This VIN already has a live registration."
        if own
        else "This VIN already has a live registration at another dealer.",
        detail_zh="该车辆识别代号已有有效的登记记录。"
        if own
        else "该车辆识别代号已在其他经销商处登记。",
        errors=[
            violation(
                "vehicle.vin",
                "vehicle.already_registered",
                "This car is already registered; cancel that registration first.",
                "该车辆已登记；如需重新登记，请先撤销原登记。",
            )
        ],
        extra={"existing_id": row["id"] if own else None},
    )


def load(conn: sqlite3.Connection, dealer: Dealer, registration_id: str) -> sqlite3.Row:
    """The dealer's car registration row, or 404 (another dealer's id is simply not found)."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM vehicle_registrations WHERE id = ? AND dealer_id = ?",
        (registration_id, dealer.id),
    ).fetchone()
    if row is None:
        raise ProblemError("registration.not_found")
    return row


def save(
    conn: sqlite3.Connection,
    row: sqlite3.Row,
    doc: dict[str, Any],
    now: float,
    *,
    due_at: float | None,
    retakes: list[str],
    review_round: int | None = None,
) -> None:
    """Write ``doc`` (with a new status) back and record the status-change event.

    A cancelled or rejected registration that had its plate goes on the plate status list.
    """
    doc["updated_at"] = rfc3339(now)
    if doc["status"] in REVOCATION_REASONS and doc.get("plate_token"):
        revoke_plate(conn, row["id"], doc["status"], now)
    conn.execute(
        "UPDATE vehicle_registrations SET status = ?, updated_at = ?, due_at = ?, retakes = ?, "
        "review_round = ?, doc = ? WHERE id = ?",
        (
            doc["status"],
            now,
            due_at,
            json.dumps(retakes),
            row["review_round"] if review_round is None else review_round,
            json.dumps(doc, ensure_ascii=False),
            row["id"],
        ),
    )
    record_event(conn, row["dealer_id"], doc, now)


def cancel(
    bureau: Bureau, dealer: Dealer, registration_id: str, reason: str | None, *, now: float
) -> dict[str, Any]:
    """Cancel before approval: frees the VIN and the plate number (the selection is released)."""
    with bureau.db.write() as conn:
        row = load(conn, dealer, registration_id)
        if row["status"] not in OPEN_STATUSES:
            raise invalid_state(row["status"], "cancelled", "撤销")
        doc: dict[str, Any] = json.loads(row["doc"])
        doc["status"] = "cancelled"
        doc["cancellation"] = {"reason": reason, "cancelled_at": rfc3339(now)}
        plate_selections.release(conn, doc.get("selection_id"), now)
        save(conn, row, doc, now, due_at=None, retakes=[])
    bureau.events_created()
    return doc
