"""``/v1/ebike-registration-batches`` and ``/v1/vehicle-registration-batches``: up to 500
registrations in one request, each on its own.

A car batch names one channel for all its items: ``store_id`` (a registration
station) or ``onsite_inspection_id`` (a completed on-site inspection); each item is
judged as ``POST /v1/vehicle-registrations`` would judge it with that channel.

``POST`` checks only the envelope (the store, 1 to 500 items, each an object
with a unique ``client_reference``), stores the batch and answers 202; a
worker then judges every item exactly as ``POST /v1/ebike-registrations``
would (see :mod:`vehreg_sdk.sandbox.batches`). ``GET`` gives the state and
counts, ``GET …/items`` each item's registration and plate or its errors.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ...rules.references import validate_client_reference
from ...types.ebike_registration_batches import MAX_BATCH_ITEMS
from ..batches import batch_doc, ensure_schema, item_doc, kick, store_batch
from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader, page_envelope
from ..problems import ProblemError, json_object, violation
from ..registrations import new_id

_ITEM_STATUSES = ("queued", "registered", "rejected", "failed")
_CHANNELS = {"ebike": ("store_id",), "car": ("store_id", "onsite_inspection_id")}


def _check_envelope(payload: Any, kind: str = "ebike") -> tuple[str, str, list[dict[str, Any]]]:
    payload = json_object(payload)
    channels = _CHANNELS[kind]
    errors = [
        violation(name, "field.unknown", "Unknown field.", "不支持的字段。")
        for name in payload
        if name not in (*channels, "items")
    ]
    named = [c for c in channels if payload.get(c) is not None]
    channel = named[0] if len(named) == 1 else "store_id"
    store_id = payload.get(channel)
    if len(named) > 1:
        errors.append(
            violation("store_id", "channel.ambiguous",
                      "Name one channel: store_id or onsite_inspection_id.",
                      "请只指定一种办理渠道：store_id 或 onsite_inspection_id。")
        )  # fmt: skip
    elif not isinstance(store_id, str) or not 1 <= len(store_id) <= 64:
        errors.append(violation(channel, "field.required", f"{channel} is the channel's id.",
                                f"请填写 {channel}。"))  # fmt: skip
    items = payload.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH_ITEMS:
        errors.append(
            violation("items", "batch.items_count",
                      f"items is a list of 1 to {MAX_BATCH_ITEMS} registrations.",
                      f"items 应为 1 至 {MAX_BATCH_ITEMS} 条登记组成的列表。")
        )  # fmt: skip
        items = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(violation(f"items.{index}", "field.type", "Each item is an object.",
                                    "每个条目应为 JSON 对象。"))  # fmt: skip
            continue
        reference = item.get("client_reference")
        field = f"items.{index}.client_reference"
        invalid = validate_client_reference(reference, field)
        if invalid or not isinstance(reference, str):
            # The rule of every route; the code this route has always answered with.
            errors += [dataclasses.replace(v, code="batch.reference_invalid") for v in invalid]
        elif reference in seen:
            errors.append(
                violation(field, "batch.duplicate_reference",
                          f"client_reference repeats item {seen[reference]}.",
                          f"client_reference 与第 {seen[reference]} 个条目重复。")
            )  # fmt: skip
        else:
            seen[reference] = index
    if errors:
        raise ProblemError("validation.failed", errors=errors)
    assert isinstance(store_id, str)
    return channel, store_id, items


def _create(call: Call, kind: str) -> Reply:
    bureau = call.bureau
    ensure_schema(bureau)
    channel, store_id, items = _check_envelope(call.json(), kind)
    with bureau.db.read() as conn:
        if channel == "store_id":
            found = conn.execute(
                "SELECT 1 FROM stores WHERE id = ? AND dealer_id = ?", (store_id, call.dealer.id)
            ).fetchone()
        else:
            found = conn.execute(
                "SELECT 1 FROM onsite_inspections WHERE id = ? AND dealer_id = ?",
                (store_id, call.dealer.id),
            ).fetchone()
    if found is None and channel == "store_id":
        raise ProblemError(
            "store.not_found",
            errors=[violation("store_id", "store.not_found", "No such store.", "门店不存在。")],
        )
    if found is None:
        raise ProblemError("onsite_inspection.not_found")
    doc = store_batch(
        bureau, call.dealer, new_id("bat"), store_id, items, call.now, kind=kind, channel=channel
    )
    kick(bureau)
    return Reply(202, doc)


def create(call: Call) -> Reply:
    return _create(call, "ebike")


def create_car(call: Call) -> Reply:
    return _create(call, "car")


def _load(call: Call, conn: Any, kind: str) -> Any:
    row = conn.execute(
        "SELECT * FROM batches WHERE id = ? AND dealer_id = ? AND kind = ?",
        (call.path_params["batch_id"], call.dealer.id, kind),
    ).fetchone()
    if row is None:
        raise ProblemError("batch.not_found")
    return row


def retrieve(call: Call, kind: str = "ebike") -> Reply:
    ensure_schema(call.bureau)
    with call.bureau.db.read() as conn:
        doc = batch_doc(conn, _load(call, conn, kind))
    if doc["status"] in ("queued", "processing"):
        kick(call.bureau)  # after a restart, the first look resumes the work
    return Reply(200, doc)


def list_items(call: Call, kind: str = "ebike") -> Reply:
    """Items in submission order; ``status`` filters, ``cursor`` continues."""
    ensure_schema(call.bureau)
    query = QueryReader(call.query)
    limit, after = query.limit(), query.cursor()
    status = query.choice("status", _ITEM_STATUSES)
    query.check()
    with call.bureau.db.read() as conn:
        batch = _load(call, conn, kind)
        clauses, params = ["batch_seq = ?", "idx >= ?"], [batch["seq"], after or 0]
        if status == "queued":
            clauses.append("status IN ('queued', 'processing')")
        elif status is not None:
            clauses.append("status = ?")
            params.append(status)
        rows = conn.execute(
            f"SELECT * FROM batch_items WHERE {' AND '.join(clauses)} "  # noqa: S608
            "ORDER BY idx LIMIT ?",
            (*params, limit + 1),
        ).fetchall()
    # The cursor names the next index to return (index + 1 of the last one shown).
    return Reply(
        200,
        page_envelope(rows, limit, lambda row: item_doc(row, kind), seq=lambda row: row["idx"] + 1),
    )


def retrieve_car(call: Call) -> Reply:
    return retrieve(call, "car")


def list_car_items(call: Call) -> Reply:
    return list_items(call, "car")


PATH = "/v1/ebike-registration-batches"
CAR_PATH = "/v1/vehicle-registration-batches"
ENDPOINTS = [
    Endpoint("POST", PATH, create, body="json"),
    Endpoint("GET", PATH + "/{batch_id}", retrieve),
    Endpoint("GET", PATH + "/{batch_id}/items", list_items),
    Endpoint("POST", CAR_PATH, create_car, body="json"),
    Endpoint("GET", CAR_PATH + "/{batch_id}", retrieve_car),
    Endpoint("GET", CAR_PATH + "/{batch_id}/items", list_car_items),
]
