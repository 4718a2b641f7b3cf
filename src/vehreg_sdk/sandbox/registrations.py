"""E-bike registrations (带牌销售): creation, photos, cancellation and reads.

:func:`create_registration` is the whole of "register one bike" and is
reusable: the batch processor calls it once per item. It validates, checks
the store and the uploads, judges the business rules, then in one write
transaction assigns the next plate, signs its credentials
(:func:`~.plate_credentials.issue_plate_credentials`), stores the
registration and records ``ebike_registration.plate_assigned``.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from typing import Any

from .. import privacy
from ..rules import Violation
from ..types import EbikeRegistrationCreate
from . import validation
from .auth import Dealer
from .bureau import Bureau, Settings
from .clock import rfc3339, shanghai_date
from .events import record_event
from .plate_credentials import REVOCATION_REASONS, issue_plate_credentials, revoke_plate
from .problems import ProblemError, violation
from .storage import LIVE_EXCLUDED_STATUSES

#: A registration can still be cancelled, and photographed, in these statuses.
OPEN_STATUSES = ("plate_assigned", "awaiting_review", "returned")

# The SQL below spells out the statuses that are not live; keep them in step.
assert LIVE_EXCLUDED_STATUSES == ("rejected", "cancelled")


def new_id(prefix: str) -> str:
    """``<prefix>_`` and 24 random hex characters."""
    return f"{prefix}_{secrets.token_hex(12)}"


def _owner_summary(body: EbikeRegistrationCreate) -> dict[str, Any]:
    owner = body.owner
    # The bureau never stores or echoes the raw identity: masked here, once.
    return {
        "name": privacy.mask_name(owner.name),
        "id_type": owner.id_type,
        "id_number": privacy.mask_id_number(owner.id_number),
        "mobile": privacy.mask_mobile(owner.mobile),
        "use": owner.use,
    }


def _vehicle(body: EbikeRegistrationCreate, certificate: dict[str, Any]) -> dict[str, Any]:
    vehicle = body.vehicle
    return {
        "vehicle_code": vehicle.vehicle_code,
        "motor_code": vehicle.motor_code,
        "product_model": vehicle.product_model,
        "color": vehicle.color,
        "battery_chemistry": str(vehicle.battery_chemistry.value),
        "battery_voltage_v": vehicle.battery_voltage_v,
        "battery_capacity_ah": vehicle.battery_capacity_ah,
        "brand": certificate["brand"],
        "measured": vehicle.measured.model_dump(exclude_none=True) if vehicle.measured else None,
    }


def allocate_plate(conn: sqlite3.Connection, settings: Settings) -> str:
    """The next free plate number of the configured pattern (inside a write transaction)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'plate_serial'").fetchone()
    serial = int(row[0]) if row else 0
    while True:
        serial += 1
        if serial > settings.plate_capacity:
            raise ProblemError("plates.exhausted")
        plate = settings.plate_format.format(serial=serial)
        held = conn.execute(
            "SELECT 1 FROM registrations WHERE plate_number = ? "
            "AND status NOT IN ('rejected', 'cancelled')",
            (plate,),
        ).fetchone()
        if held is None:
            break
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('plate_serial', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(serial),),
    )
    return plate


def _live_holder(conn: sqlite3.Connection, vehicle_code: str) -> sqlite3.Row | None:
    """``id`` and ``dealer_id`` of the live registration of ``vehicle_code``, if any."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT id, dealer_id FROM registrations WHERE vehicle_code = ? "
        "AND status NOT IN ('rejected', 'cancelled')",
        (vehicle_code,),
    ).fetchone()
    return row


def _already_registered(row: sqlite3.Row | None, dealer: Dealer) -> ProblemError:
    own = row is not None and row["dealer_id"] == dealer.id
    # Another dealer's registration id is not disclosed (isolation), only the fact.
    return ProblemError(
        "vehicle.already_registered",
        detail=None
        if own
        else "This vehicle code already has a live registration at another dealer.",
        detail_zh=None if own else "该整车编码已在其他经销商处登记。",
        errors=[
            violation(
                "vehicle.vehicle_code",
                "vehicle.already_registered",
                "This vehicle is already registered; cancel that registration first.",
                "该车辆已登记；如需重新登记，请先撤销原登记。",
            )
        ],
        extra={"existing_id": row["id"] if own and row is not None else None},
    )


def _uploads(
    conn: sqlite3.Connection, dealer: Dealer, upload_ids: list[str]
) -> tuple[dict[str, str], list[Violation]]:
    wanted = list(dict.fromkeys(upload_ids))
    kinds: dict[str, str] = {}
    if wanted:
        marks = ", ".join("?" * len(wanted))
        rows = conn.execute(
            f"SELECT id, kind FROM uploads WHERE dealer_id = ? AND id IN ({marks})",  # noqa: S608
            (dealer.id, *wanted),
        )
        kinds = {str(row[0]): str(row[1]) for row in rows}
    missing = [
        violation(
            f"uploads.{index}",
            "upload.not_found",
            "No such upload; upload the file first with POST /v1/uploads.",
            "上传文件不存在，请先通过 POST /v1/uploads 上传。",
        )
        for index, upload_id in enumerate(upload_ids)
        if upload_id not in kinds
    ]
    return kinds, missing


def create_registration(
    bureau: Bureau, dealer: Dealer, payload: Any, *, now: float, batch_id: str | None = None
) -> dict[str, Any]:
    """Register one bike for ``dealer``; the registration document, or a :class:`ProblemError`.

    Errors: 422 ``validation.failed`` (every field), 404 ``store.not_found``,
    422 ``certificate.not_found`` / ``vehicle.stolen`` /
    ``catalogue.model_not_found``, 409 ``vehicle.already_registered``.
    Nothing is written unless it succeeds.
    """
    today = shanghai_date(now)
    config = bureau.settings.rule_config
    body = validation.parse_registration(payload, today=today, config=config)
    with bureau.db.read() as conn:
        store = conn.execute(
            "SELECT 1 FROM stores WHERE id = ? AND dealer_id = ?", (body.store_id, dealer.id)
        ).fetchone()
        if store is None:
            raise ProblemError(
                "store.not_found",
                errors=[violation("store_id", "store.not_found", "No such store.", "门店不存在。")],
            )
        kinds, missing = _uploads(conn, dealer, body.uploads)
    certificate = validation.check_business(body, today=today, extra=missing, config=config)
    stamp = rfc3339(now)
    registration_id = new_id("reg")
    try:
        with bureau.db.write() as conn:
            holder = _live_holder(conn, body.vehicle.vehicle_code)
            if holder is not None:
                raise _already_registered(holder, dealer)
            plate = allocate_plate(conn, bureau.settings)
            credentials = issue_plate_credentials(
                bureau,
                registration_id=registration_id,
                plate=plate,
                store_id=body.store_id,
                issued_at=now,
                vehicle_code=body.vehicle.vehicle_code,
            )
            doc: dict[str, Any] = {
                "id": registration_id,
                "object": "ebike_registration",
                "status": "plate_assigned",
                "store_id": body.store_id,
                "vehicle": _vehicle(body, certificate),
                "owner": _owner_summary(body),
                "sale": {
                    "invoice_number": body.sale.invoice_number,
                    "invoice_date": body.sale.invoice_date.isoformat(),
                    "price_fen": body.sale.price_fen,
                    "clerk_id": body.sale.clerk_id,
                },
                "plate_number": plate,
                "plate_token": credentials.plate_token,
                "plate_credential": credentials.plate_credential,
                "uploads": list(body.uploads),
                "photos": [
                    {"kind": kinds[upload_id], "upload_id": upload_id, "added_at": stamp}
                    for upload_id in dict.fromkeys(body.uploads)
                ],
                "review": None,
                "cancellation": None,
                "client_reference": body.client_reference,
                "batch_id": batch_id,
                "created_at": stamp,
                "updated_at": stamp,
            }
            conn.execute(
                "INSERT INTO registrations (id, dealer_id, store_id, vehicle_code, status, "
                "plate_number, created_at, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    registration_id,
                    dealer.id,
                    body.store_id,
                    body.vehicle.vehicle_code,
                    "plate_assigned",
                    plate,
                    now,
                    now,
                    json.dumps(doc, ensure_ascii=False),
                ),
            )
            record_event(conn, dealer.id, doc, now)
    except sqlite3.IntegrityError:
        # The partial UNIQUE index caught a racing create (another process): one winner.
        with bureau.db.read() as conn:
            holder = _live_holder(conn, body.vehicle.vehicle_code)
        raise _already_registered(holder, dealer) from None
    bureau.events_created()
    return doc


def load(conn: sqlite3.Connection, dealer: Dealer, registration_id: str) -> sqlite3.Row:
    """The dealer's registration row, or 404 (another dealer's id is simply not found)."""
    row = conn.execute(
        "SELECT * FROM registrations WHERE id = ? AND dealer_id = ?", (registration_id, dealer.id)
    ).fetchone()
    if row is None:
        raise ProblemError("registration.not_found")
    found: sqlite3.Row = row
    return found


def save(
    conn: sqlite3.Connection,
    row: sqlite3.Row,
    doc: dict[str, Any],
    now: float,
    *,
    review_due_at: float | None,
    retakes: list[str],
    review_round: int | None = None,
) -> None:
    """Write ``doc`` (with a new status) back and record the status-change event.

    A cancelled or rejected registration's plate goes on the plate status list.
    """
    doc["updated_at"] = rfc3339(now)
    if doc["status"] in REVOCATION_REASONS:
        revoke_plate(conn, row["id"], doc["status"], now)
    conn.execute(
        "UPDATE registrations SET status = ?, updated_at = ?, review_due_at = ?, retakes = ?, "
        "review_round = ?, doc = ? WHERE id = ?",
        (
            doc["status"],
            now,
            review_due_at,
            json.dumps(retakes),
            row["review_round"] if review_round is None else review_round,
            json.dumps(doc, ensure_ascii=False),
            row["id"],
        ),
    )
    record_event(conn, row["dealer_id"], doc, now)


def invalid_state(status: str, action: str, action_zh: str) -> ProblemError:
    return ProblemError(
        "registration.invalid_state",
        detail=f"A registration that is {status} cannot be {action}.",
        detail_zh=f"登记状态为 {status}，不能{action_zh}。",
    )


def cancel_registration(
    bureau: Bureau, dealer: Dealer, registration_id: str, reason: str | None, *, now: float
) -> dict[str, Any]:
    """Cancel before approval (the sale was reversed): releases the plate and the vehicle code."""
    with bureau.db.write() as conn:
        row = load(conn, dealer, registration_id)
        if row["status"] not in OPEN_STATUSES:
            raise invalid_state(row["status"], "cancelled", "撤销")
        doc: dict[str, Any] = json.loads(row["doc"])
        doc["status"] = "cancelled"
        doc["cancellation"] = {"reason": reason, "cancelled_at": rfc3339(now)}
        save(conn, row, doc, now, review_due_at=None, retakes=[])
    bureau.events_created()
    return doc
