"""The tax office's purchase-tax records as the vehicle office sees them, keyed by VIN.

A pool VIN with no record is ``unpaid``; any other VIN is ``unknown``. The
sandbox-only test helpers (docs/api/sandbox.md) drive every path: ``pay``
computes the record from the invoice with :func:`vehreg_sdk.rules.expected_purchase_tax`
(optionally with an assessed base, or arriving only after a delay: ``unknown``
until then), ``exempt`` records an exemption, ``reset`` forgets the record.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

from ..rules import expected_purchase_tax, validate_vin
from ..rules._text import normalize_code
from ..rules.cars import BuyerKind, car_tax_class
from . import car_catalogue
from .clock import rfc3339, shanghai_date
from .problems import ProblemError, json_object, unknown_field, violation

__all__ = ["exempt", "pay", "read_vin", "reset", "tax_record"]

EXEMPTIONS = ("public_transport", "new_energy", "statutory")


def read_vin(raw: str) -> str:
    """The VIN of a path, normalised; 422 ``validation.failed`` when it is not one."""
    vin = normalize_code(raw)
    found = validate_vin(vin)
    errors = [v for v in found if v.is_error]
    if errors:
        raise ProblemError("validation.failed", errors=errors)
    return vin


def _default(vin: str) -> dict[str, Any]:
    known = car_catalogue.certificate_by_vin(vin) is not None
    return {
        "object": "purchase_tax",
        "vin": vin,
        "status": "unpaid" if known else "unknown",
        "tax_base_fen": None,
        "tax_fen": None,
        "relief_kind": None,
        "relief_fen": 0,
        "paid_fen": None,
        "paid_on": None,
        "invoice_date": None,
        "updated_at": None,
    }


def tax_record(conn: sqlite3.Connection, vin: str, now: float) -> dict[str, Any]:
    """The record the vehicle office sees now (``unknown`` while a payment is in transit)."""
    row = conn.execute(
        "SELECT doc, available_at FROM purchase_tax WHERE vin = ?", (vin,)
    ).fetchone()
    if row is None:
        return _default(vin)
    if row["available_at"] > now:
        pending = _default(vin)
        pending["status"] = "unknown"
        return pending
    doc: dict[str, Any] = json.loads(row["doc"])
    return doc


def seconds_until_known(conn: sqlite3.Connection, vin: str, now: float) -> int:
    row = conn.execute("SELECT available_at FROM purchase_tax WHERE vin = ?", (vin,)).fetchone()
    return max(1, int((row["available_at"] if row else now) - now + 0.999))


def _store(
    conn: sqlite3.Connection, doc: dict[str, Any], now: float, delay: float
) -> dict[str, Any]:
    conn.execute(
        "INSERT INTO purchase_tax (vin, doc, available_at, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (vin) DO UPDATE SET doc = excluded.doc, "
        "available_at = excluded.available_at, updated_at = excluded.updated_at",
        (doc["vin"], json.dumps(doc, ensure_ascii=False), now + delay, now),
    )
    return doc


def _int(payload: dict[str, Any], name: str, errors: list[Any], *, required: bool) -> int | None:
    value = payload.get(name)
    if value is None and not required:
        return None
    if type(value) is not int or not 0 <= value <= 100_000_000_000:
        errors.append(
            violation(
                name, "field.type", f"{name} is an integer of fen.", f"{name} 应为整数（分）。"
            )
        )
        return None
    return value


def pay(conn: sqlite3.Connection, vin: str, payload: Any, now: float) -> dict[str, Any]:
    """Record the tax as paid for the invoice in ``payload`` (see the module docstring)."""
    body = json_object(payload if payload is not None else {})
    allowed = ("price_fen", "invoice_date", "price_excl_vat_fen", "buyer", "assessed_base_fen")
    errors = [unknown_field(name) for name in body if name not in (*allowed, "delay_seconds")]
    price = _int(body, "price_fen", errors, required=True)
    excl = _int(body, "price_excl_vat_fen", errors, required=False)
    assessed = _int(body, "assessed_base_fen", errors, required=False)
    delay = body.get("delay_seconds", 0)
    if type(delay) not in (int, float) or not 0 <= delay <= 86_400:
        errors.append(
            violation(
                "delay_seconds",
                "field.type",
                "delay_seconds is 0 to 86400.",
                "delay_seconds 应为 0 至 86400。",
            )
        )
    invoice_day: date | None = None
    try:
        invoice_day = date.fromisoformat(str(body.get("invoice_date", "")))
    except ValueError:
        errors.append(
            violation(
                "invoice_date", "field.date", "A date YYYY-MM-DD.", "日期格式应为 YYYY-MM-DD。"
            )
        )
    buyer = body.get("buyer", "person")
    if buyer not in tuple(kind.value for kind in BuyerKind):
        errors.append(
            violation(
                "buyer",
                "field.choice",
                "buyer is person, unit or public_transport.",
                "buyer 应为 person、unit 或 public_transport。",
            )
        )
    certificate = car_catalogue.certificate_by_vin(vin)
    if certificate is None:
        errors.append(
            violation(
                "vin",
                "certificate.not_found",
                "The sandbox has no car with this VIN.",
                "沙箱中没有该车辆识别代号的车辆。",
            )
        )
    if errors or price is None or invoice_day is None or certificate is None:
        raise ProblemError("validation.failed", errors=errors)
    expected = expected_purchase_tax(
        price,
        invoice_day,
        certificate["energy_type"],
        car_tax_class(certificate["vehicle_type"]),
        str(buyer),
        price_excl_vat_fen=assessed if assessed is not None else excl,
        model=certificate["model"],
    )
    status = {"exempt": "exempt", "reduced": "reduced"}.get(expected.expected_status, "paid")
    doc = {
        **_default(vin),
        "status": status,
        "tax_base_fen": expected.base_fen,
        "tax_fen": expected.tax_fen,
        "relief_kind": expected.relief_kind,
        "relief_fen": expected.relief_fen,
        "paid_fen": expected.due_fen,
        "paid_on": shanghai_date(now).isoformat(),
        "invoice_date": invoice_day.isoformat(),
        "updated_at": rfc3339(now),
    }
    return _store(conn, doc, now, float(delay))


def exempt(conn: sqlite3.Connection, vin: str, payload: Any, now: float) -> dict[str, Any]:
    """Record a full exemption of ``payload['exemption']`` (``public_transport`` …)."""
    body = json_object(payload if payload is not None else {})
    errors = [unknown_field(name) for name in body if name != "exemption"]
    kind = body.get("exemption", "statutory")
    if kind not in EXEMPTIONS:
        errors.append(
            violation(
                "exemption",
                "field.choice",
                f"exemption is one of: {', '.join(EXEMPTIONS)}.",
                f"exemption 应为以下之一：{'、'.join(EXEMPTIONS)}。",
            )
        )
    if errors:
        raise ProblemError("validation.failed", errors=errors)
    doc = {
        **_default(vin),
        "status": "exempt",
        "relief_kind": f"{kind}_exemption",
        "paid_fen": 0,
        "paid_on": shanghai_date(now).isoformat(),
        "updated_at": rfc3339(now),
    }
    return _store(conn, doc, now, 0.0)


def reset(conn: sqlite3.Connection, vin: str) -> dict[str, Any]:
    """Forget the VIN's record: back to ``unpaid`` (pool VIN) or ``unknown``."""
    conn.execute("DELETE FROM purchase_tax WHERE vin = ?", (vin,))
    return _default(vin)
