"""Plate selection (选号): draws, self-composed numbers, reservations that expire, confirmation.

Holds are rows of ``plate_selections`` with a partial UNIQUE index on the held
number, and every change runs in one ``BEGIN IMMEDIATE`` transaction that
first expires the reservations whose time is up (the injectable clock), so two
dealers racing for one number get exactly one winner, and an expired
reservation frees its number. A reservation lasts ``Settings.plate_hold_seconds``
(10 minutes by default) and is confirmed by the registration that names it.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from typing import Any

from pydantic import ValidationError

from ..rules import PlateKind, validate_self_composed
from ..rules.cars import expected_car_plate_kind, new_energy_letter
from ..types import PlateSelectionCreate
from ..types._base import violations_from_pydantic
from . import car_catalogue
from .auth import Dealer
from .bureau import Bureau
from .clock import rfc3339, shanghai_date
from .problems import ProblemError, json_object, unknown_field, violation
from .registrations import new_id

__all__ = ["choose", "confirm", "create_selection", "expire_holds", "load", "release"]

_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ".replace("Q", "")  # GA 36: no I, no O
_SEQUENCE = _LETTERS + "0123456789"
_random = secrets.SystemRandom()


def expire_holds(conn: sqlite3.Connection, now: float) -> None:
    """Free every reservation whose time is up (inside the caller's write transaction)."""
    rows = conn.execute(
        "SELECT id, doc FROM plate_selections "
        "WHERE hold_state = 'reserved' AND reserved_until <= ?",
        (now,),
    ).fetchall()
    for row in rows:
        doc = json.loads(row["doc"])
        doc["status"], doc["updated_at"] = "expired", rfc3339(now)
        conn.execute(
            "UPDATE plate_selections SET hold_state = NULL, doc = ? WHERE id = ?",
            (json.dumps(doc, ensure_ascii=False), row["id"]),
        )


def is_taken(conn: sqlite3.Connection, number: str) -> bool:
    """Whether a number is held by a selection or carried by a live car registration."""
    held = conn.execute(
        "SELECT 1 FROM plate_selections WHERE held_number = ? AND hold_state IS NOT NULL",
        (number,),
    ).fetchone()
    used = conn.execute(
        "SELECT 1 FROM vehicle_registrations WHERE plate_number = ? "
        "AND status NOT IN ('rejected', 'cancelled')",
        (number,),
    ).fetchone()
    return held is not None or used is not None


def _candidate(kind: str, letter: str | None, authority: str) -> str:
    digits = "".join(_random.choice("0123456789") for _ in range(4))
    if kind == PlateKind.SMALL_NEW_ENERGY:
        return f"{authority}{letter}{_random.choice(_SEQUENCE)}{digits}"
    if kind == PlateKind.LARGE_NEW_ENERGY:
        return f"{authority}{_random.choice('123456789')}{digits}{letter}"
    return f"{authority}{_random.choice(_LETTERS)}{digits}"


def _parse(payload: Any) -> PlateSelectionCreate:
    body = json_object(payload)
    try:
        return PlateSelectionCreate.model_validate(body)
    except ValidationError as exc:
        raise ProblemError("validation.failed", errors=violations_from_pydantic(exc)) from None


def create_selection(bureau: Bureau, dealer: Dealer, payload: Any, now: float) -> dict[str, Any]:
    """A draw (``open`` with candidates) or a self-composed number (``reserved``)."""
    body = _parse(payload)
    rules = bureau.settings.car_rules.plate_selection
    certificate = car_catalogue.certificate_by_vin(body.vin)
    if certificate is None:
        raise ProblemError(
            "certificate.not_found",
            status=422,
            detail="No car certificate of conformity has this VIN.",
            detail_zh="未找到该车辆识别代号对应的机动车整车出厂合格证。",
            errors=[
                violation("vin", "certificate.not_found", "Unknown VIN.", "车辆识别代号不存在。")
            ],
        )
    wanted = expected_car_plate_kind(certificate, certificate, bureau.settings.car_rules)
    if body.plate_kind != wanted.value:
        raise ProblemError(
            "validation.failed",
            errors=[
                violation(
                    "plate_kind",
                    "plate_kind.mismatch",
                    f"This vehicle takes a {wanted.label_en} ({wanted.value}).",
                    f"该车应使用{wanted.label_zh}（{wanted.value}）。",
                )
            ],
        )
    energy = certificate["energy_type"]
    if body.method == "self_composed":
        found = [
            v
            for v in validate_self_composed(
                body.number, body.plate_kind, energy_type=energy, rules=rules
            )
            if v.is_error
        ]
        if found:
            raise ProblemError("validation.failed", errors=found)
    day = shanghai_date(now).isoformat()
    selection_id = new_id("ps")
    stamp = rfc3339(now)
    doc: dict[str, Any] = {
        "id": selection_id,
        "object": "plate_selection",
        "vin": body.vin,
        "plate_kind": body.plate_kind,
        "method": body.method,
        "status": "open",
        "candidates": [],
        "number": None,
        "reserved_until": None,
        "registration_id": None,
        "created_at": stamp,
        "updated_at": stamp,
    }
    try:
        with bureau.db.write() as conn:
            expire_holds(conn, now)
            if body.method == "draw":
                (draws,) = conn.execute(
                    "SELECT COUNT(*) FROM plate_selections WHERE vin = ? AND business_day = ? "
                    "AND method = 'draw'",
                    (body.vin, day),
                ).fetchone()
                if draws >= rules.draws_per_vin_per_day:
                    raise ProblemError("plate_selection.draw_limit")
                doc["candidates"] = _draw(conn, body.plate_kind, energy, rules)
                held, until = None, None
            else:
                assert body.number is not None
                if is_taken(conn, body.number):
                    raise ProblemError("plate_number.taken")
                held, until = body.number, now + bureau.settings.plate_hold_seconds
                doc.update(status="reserved", number=held, reserved_until=rfc3339(until))
            conn.execute(
                "INSERT INTO plate_selections (id, dealer_id, vin, method, business_day, "
                "held_number, hold_state, reserved_until, created_at, doc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    selection_id,
                    dealer.id,
                    body.vin,
                    body.method,
                    day,
                    held,
                    "reserved" if held else None,
                    until,
                    now,
                    json.dumps(doc, ensure_ascii=False),
                ),
            )
    except sqlite3.IntegrityError:  # another process held the number first
        raise ProblemError("plate_number.taken") from None
    return doc


def _draw(conn: sqlite3.Connection, kind: str, energy: str, rules: Any) -> list[str]:
    letter = new_energy_letter(energy)
    found: list[str] = []
    for _ in range(rules.candidates_per_draw * 50):
        number = _candidate(kind, letter, rules.authority)
        clean = not validate_self_composed(number, kind, energy_type=energy, rules=rules)
        if clean and number not in found and not is_taken(conn, number):
            found.append(number)
            if len(found) == rules.candidates_per_draw:
                break
    return found


def load(conn: sqlite3.Connection, dealer: Dealer, selection_id: str) -> sqlite3.Row:
    """The dealer's selection row, or 404."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM plate_selections WHERE id = ? AND dealer_id = ?", (selection_id, dealer.id)
    ).fetchone()
    if row is None:
        raise ProblemError("plate_selection.not_found")
    return row


def choose(
    bureau: Bureau, dealer: Dealer, selection_id: str, payload: Any, now: float
) -> dict[str, Any]:
    """Reserve one candidate of an ``open`` draw until ``reserved_until``."""
    body = json_object(payload)
    errors = [unknown_field(name) for name in body if name != "number"]
    number = body.get("number")
    if not isinstance(number, str) or not number.strip():
        errors.append(violation("number", "field.required", "number is required.", "请选择号码。"))
    if errors:
        raise ProblemError("validation.failed", errors=errors)
    assert isinstance(number, str)
    number = number.strip().upper()
    try:
        with bureau.db.write() as conn:
            expire_holds(conn, now)
            row = load(conn, dealer, selection_id)
            doc: dict[str, Any] = json.loads(row["doc"])
            if doc["status"] != "open":
                raise ProblemError(
                    "plate_selection.invalid_state",
                    detail=f"A selection that is {doc['status']} cannot choose a number.",
                    detail_zh=f"选号状态为 {doc['status']}，不能再选择号码。",
                )
            if number not in doc["candidates"]:
                raise ProblemError(
                    "validation.failed",
                    errors=[
                        violation(
                            "number",
                            "plate_selection.not_a_candidate",
                            "Choose one of the drawn candidates.",
                            "请从本次摇号的候选号码中选择。",
                        )
                    ],
                )
            if is_taken(conn, number):
                raise ProblemError("plate_number.taken")
            until = now + bureau.settings.plate_hold_seconds
            doc.update(
                status="reserved",
                number=number,
                reserved_until=rfc3339(until),
                updated_at=rfc3339(now),
            )
            conn.execute(
                "UPDATE plate_selections SET held_number = ?, hold_state = 'reserved', "
                "reserved_until = ?, doc = ? WHERE id = ?",
                (number, until, json.dumps(doc, ensure_ascii=False), selection_id),
            )
    except sqlite3.IntegrityError:
        raise ProblemError("plate_number.taken") from None
    return doc


def read(bureau: Bureau, dealer: Dealer, selection_id: str, now: float) -> dict[str, Any]:
    """The selection as it is now (an elapsed reservation reads ``expired``)."""
    with bureau.db.write() as conn:
        expire_holds(conn, now)
        doc: dict[str, Any] = json.loads(load(conn, dealer, selection_id)["doc"])
    return doc


def confirm(
    conn: sqlite3.Connection,
    dealer: Dealer,
    selection_id: str,
    *,
    vin: str,
    plate_kind: str,
    registration_id: str,
    now: float,
) -> str:
    """Confirm a reservation for a registration (inside its transaction); the number."""
    expire_holds(conn, now)
    row = load(conn, dealer, selection_id)
    doc: dict[str, Any] = json.loads(row["doc"])
    if doc["status"] != "reserved" or doc["vin"] != vin or doc["plate_kind"] != plate_kind:
        reason = (
            "the reservation has expired; select again"
            if doc["status"] == "expired"
            else f"it is {doc['status']}, for VIN {doc['vin']} and plate kind {doc['plate_kind']}"
        )
        raise ProblemError(
            "plate_selection.invalid_state",
            detail=f"This plate selection cannot be confirmed: {reason}.",
            detail_zh="该选号记录不能用于本次登记（已过期、未选定号码，或车辆、号牌种类不符）。",
        )
    doc.update(status="confirmed", registration_id=registration_id, reserved_until=None)
    doc["updated_at"] = rfc3339(now)
    conn.execute(
        "UPDATE plate_selections SET hold_state = 'confirmed', reserved_until = NULL, doc = ? "
        "WHERE id = ?",
        (json.dumps(doc, ensure_ascii=False), selection_id),
    )
    return str(doc["number"])


def release(conn: sqlite3.Connection, selection_id: str | None, now: float) -> None:
    """Free a confirmed number again (its registration was cancelled or rejected)."""
    if not selection_id:
        return
    row = conn.execute("SELECT doc FROM plate_selections WHERE id = ?", (selection_id,)).fetchone()
    if row is None:
        return
    doc = json.loads(row["doc"])
    doc["status"], doc["updated_at"] = "released", rfc3339(now)
    conn.execute(
        "UPDATE plate_selections SET hold_state = NULL, doc = ? WHERE id = ?",
        (json.dumps(doc, ensure_ascii=False), selection_id),
    )
