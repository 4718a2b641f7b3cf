"""On-site inspections (上门查验) in the sandbox: a fleet owner's request and its lifecycle.

``requested`` → ``scheduled`` → ``inspected``, or ``cancelled`` before the
inspection. The bureau's side (fixing the date, inspecting the vehicles and
running the safety test, 安全技术检验) happens only through the documented test
helpers ``POST /v1/test-helpers/onsite-inspections/{id}/schedule|inspect``:
nothing advances by waiting. Each status change records an event
(``onsite_inspection.<status>``) like a registration's.

:func:`registrable` is what a car registration on the on-site channel checks:
the inspection is the dealer's and ``inspected``, it lists the VIN with both
results ``passed``, and its owner's credit code is the registration owner's.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from .. import privacy
from ..rules import Violation
from ..types.onsite_inspections import OnsiteInspectionCreate
from . import car_catalogue
from .auth import Dealer
from .bureau import Bureau
from .clock import rfc3339
from .events import record_event
from .problems import ProblemError, json_object, violation
from .registrations import new_id
from .validation import _structural

__all__ = ["cancel", "create", "inspect", "load", "registrable", "schedule"]

_RESULTS = ("passed", "failed")


def create(bureau: Bureau, dealer: Dealer, payload: Any, *, now: float) -> dict[str, Any]:
    """Store a request ``requested``: every VIN must have a certificate of conformity."""
    try:
        body = OnsiteInspectionCreate.model_validate(json_object(payload))
    except ValidationError as exc:
        raise ProblemError("validation.failed", errors=_structural(exc)) from None
    vehicles, missing = [], []
    for index, vin in enumerate(body.vins):
        certificate = car_catalogue.certificate_by_vin(vin)
        if certificate is None:
            missing.append(
                violation(
                    f"vins.{index}",
                    "certificate.not_found",
                    "No car certificate of conformity has this VIN; check it.",
                    "未找到该车辆识别代号的机动车整车出厂合格证，请核对。",
                )
            )
            continue
        vehicles.append(
            {
                "vin": vin,
                "certificate_number": certificate["certificate_number"],
                "vehicle_type": certificate["vehicle_type"],
                "inspection": None,
                "safety_test": None,
                "remarks": None,
            }
        )
    if missing:
        raise ProblemError("certificate.not_found", status=422, errors=missing)
    stamp = rfc3339(now)
    owner = body.owner
    doc: dict[str, Any] = {
        "id": new_id("osi"),
        "object": "onsite_inspection",
        "status": "requested",
        "owner": {
            "kind": "unit",
            "name": owner.name,  # a company's name is not personal data
            "id_type": owner.id_type,
            "id_number": owner.id_number,  # the credit code: matched by registrations
            "mobile": privacy.mask_mobile(owner.mobile),
        },
        "contact": {
            "name": privacy.mask_name(body.contact.name),
            "mobile": privacy.mask_mobile(body.contact.mobile),
        },
        "depot_address": body.depot_address,
        "window": {
            "starts_at": rfc3339(body.window.starts_at.timestamp()),
            "ends_at": rfc3339(body.window.ends_at.timestamp()),
        },
        "scheduled_at": None,
        "inspected_at": None,
        "vehicles": vehicles,
        "counts": _counts(vehicles),
        "cancellation": None,
        "client_reference": body.client_reference,
        "created_at": stamp,
        "updated_at": stamp,
    }
    with bureau.db.write() as conn:
        conn.execute(
            "INSERT INTO onsite_inspections (id, dealer_id, status, created_at, updated_at, doc)"
            " VALUES (?, ?, 'requested', ?, ?, ?)",
            (doc["id"], dealer.id, now, now, json.dumps(doc, ensure_ascii=False)),
        )
        record_event(conn, dealer.id, doc, now)
    bureau.events_created()
    return doc


def _counts(vehicles: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "total": len(vehicles),
        "passed": sum(
            v["inspection"] == "passed" and v["safety_test"] == "passed" for v in vehicles
        ),
        "failed": sum("failed" in (v["inspection"], v["safety_test"]) for v in vehicles),
    }


def load(conn: sqlite3.Connection, dealer: Dealer, inspection_id: str) -> sqlite3.Row:
    """The dealer's inspection row, or 404 (another dealer's id is simply not found)."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM onsite_inspections WHERE id = ? AND dealer_id = ?",
        (inspection_id, dealer.id),
    ).fetchone()
    if row is None:
        raise ProblemError("onsite_inspection.not_found")
    return row


def _save(conn: sqlite3.Connection, row: sqlite3.Row, doc: dict[str, Any], now: float) -> None:
    doc["updated_at"] = rfc3339(now)
    conn.execute(
        "UPDATE onsite_inspections SET status = ?, updated_at = ?, doc = ? WHERE id = ?",
        (doc["status"], now, json.dumps(doc, ensure_ascii=False), row["id"]),
    )
    record_event(conn, row["dealer_id"], doc, now)


def _invalid(status: str, action: str, action_zh: str) -> ProblemError:
    return ProblemError(
        "onsite_inspection.invalid_state",
        detail=f"An on-site inspection that is {status} cannot be {action}.",
        detail_zh=f"状态为 {status} 的上门查验不能{action_zh}。",
        extra={"current_status": status},
    )


def _moment(text: object, field: str) -> float:
    if isinstance(text, str):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                return moment.timestamp()
        except ValueError:
            pass
    raise ProblemError(
        "validation.failed",
        errors=[violation(field, "field.datetime", "An RFC 3339 date-time with its offset.",
                          "应为带时区的 RFC 3339 日期时间。")],
    )  # fmt: skip


def schedule(
    bureau: Bureau, dealer: Dealer, inspection_id: str, payload: Any, *, now: float
) -> dict[str, Any]:
    """Test helper: the vehicle office fixes the appointment (default: the window's start)."""
    body = json_object(payload) if payload is not None else {}
    with bureau.db.write() as conn:
        row = load(conn, dealer, inspection_id)
        doc: dict[str, Any] = json.loads(row["doc"])
        if doc["status"] != "requested":
            raise _invalid(doc["status"], "scheduled", "安排")
        starts = _moment(doc["window"]["starts_at"], "window.starts_at")
        ends = _moment(doc["window"]["ends_at"], "window.ends_at")
        wanted = body.get("scheduled_at")
        when = starts if wanted is None else _moment(wanted, "scheduled_at")
        if not starts <= when <= ends:
            raise ProblemError(
                "validation.failed",
                errors=[violation("scheduled_at", "onsite.outside_window",
                                  "The appointment falls inside the requested time window.",
                                  "预约时间应在申请的时间范围内。")],
            )  # fmt: skip
        doc["status"], doc["scheduled_at"] = "scheduled", rfc3339(when)
        _save(conn, row, doc, now)
    bureau.events_created()
    return doc


def inspect(
    bureau: Bureau, dealer: Dealer, inspection_id: str, payload: Any, *, now: float
) -> dict[str, Any]:
    """Test helper: the inspectors come; per-VIN results (default every VIN passes both)."""
    body = json_object(payload) if payload is not None else {}
    results = body.get("results") or []
    with bureau.db.write() as conn:
        row = load(conn, dealer, inspection_id)
        doc: dict[str, Any] = json.loads(row["doc"])
        if doc["status"] != "scheduled":
            raise _invalid(doc["status"], "inspected", "查验")
        by_vin = {v["vin"]: v for v in doc["vehicles"]}
        given: dict[str, dict[str, Any]] = {}
        errors: list[Violation] = []
        if not isinstance(results, list):
            results = [None]
        for index, result in enumerate(results):
            vin = str(result.get("vin", "")).strip().upper() if isinstance(result, dict) else ""
            if vin not in by_vin:
                errors.append(violation(f"results.{index}.vin", "onsite.vin_not_listed",
                                        "This VIN is not in the inspection request.",
                                        "该车辆识别代号不在本次上门查验申请中。"))  # fmt: skip
                continue
            assert isinstance(result, dict)
            for name in ("inspection", "safety_test"):
                if result.get(name, "passed") not in _RESULTS:
                    errors.append(
                        violation(f"results.{index}.{name}", "field.choice",
                                  "passed or failed.", "应为 passed 或 failed。")
                    )  # fmt: skip
            given[vin] = result
        if errors:
            raise ProblemError("validation.failed", errors=errors)
        for vin, vehicle in by_vin.items():
            result = given.get(vin, {})
            vehicle["inspection"] = result.get("inspection", "passed")
            vehicle["safety_test"] = result.get("safety_test", "passed")
            remarks = result.get("remarks")
            vehicle["remarks"] = str(remarks)[:200] if remarks else None
        doc["status"], doc["inspected_at"] = "inspected", rfc3339(now)
        doc["counts"] = _counts(doc["vehicles"])
        _save(conn, row, doc, now)
    bureau.events_created()
    return doc


def cancel(
    bureau: Bureau, dealer: Dealer, inspection_id: str, reason: str | None, *, now: float
) -> dict[str, Any]:
    """Cancel a request before the inspection."""
    with bureau.db.write() as conn:
        row = load(conn, dealer, inspection_id)
        doc: dict[str, Any] = json.loads(row["doc"])
        if doc["status"] not in ("requested", "scheduled"):
            raise _invalid(doc["status"], "cancelled", "撤销")
        doc["status"] = "cancelled"
        doc["cancellation"] = {"reason": reason, "cancelled_at": rfc3339(now)}
        _save(conn, row, doc, now)
    bureau.events_created()
    return doc


def registrable(
    conn: sqlite3.Connection, dealer: Dealer, inspection_id: str, vin: str, owner_id: str
) -> list[Violation]:
    """Why this VIN cannot be registered through this inspection (empty: it can)."""
    row = conn.execute(
        "SELECT doc FROM onsite_inspections WHERE id = ? AND dealer_id = ?",
        (inspection_id, dealer.id),
    ).fetchone()
    field = "onsite_inspection_id"
    if row is None:
        return [violation(field, "onsite_inspection.not_found", "No such on-site inspection.",
                          "上门查验记录不存在。")]  # fmt: skip
    doc = json.loads(row["doc"])
    if doc["status"] != "inspected":
        return [violation(field, "onsite_inspection.not_inspected",
                          f"The on-site inspection is {doc['status']}, not yet inspected.",
                          f"上门查验尚未完成（当前状态 {doc['status']}）。")]  # fmt: skip
    found: list[Violation] = []
    vehicle = next((v for v in doc["vehicles"] if v["vin"] == vin), None)
    if vehicle is None:
        found.append(violation("vehicle.vin", "onsite_inspection.vin_not_listed",
                               "This VIN was not in the on-site inspection.",
                               "该车辆不在本次上门查验范围内。"))  # fmt: skip
    elif vehicle["inspection"] != "passed" or vehicle["safety_test"] != "passed":
        found.append(violation("vehicle.vin", "onsite_inspection.not_passed",
                               "This vehicle did not pass the on-site inspection and safety test.",
                               "该车辆未通过上门查验或安全技术检验。"))  # fmt: skip
    if doc["owner"]["id_number"] != owner_id:
        found.append(violation("owner.id_number", "onsite_inspection.owner_mismatch",
                               "The owner differs from the unit that requested the inspection.",
                               "所有人与申请上门查验的单位不一致。"))  # fmt: skip
    return found
