"""``/v1/ebike-registration-batches``: up to 500 registrations in one request, each on its own.

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
_TOP_LEVEL = ("store_id", "items")


def _check_envelope(payload: Any) -> tuple[str, list[dict[str, Any]]]:
    payload = json_object(payload)
    errors = [
        violation(name, "field.unknown", "Unknown field.", "不支持的字段。")
        for name in payload
        if name not in _TOP_LEVEL
    ]
    store_id = payload.get("store_id")
    if not isinstance(store_id, str) or not 1 <= len(store_id) <= 64:
        errors.append(violation("store_id", "field.required", "store_id is the store's id.",
                                "请填写门店编号 store_id。"))  # fmt: skip
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
    return store_id, items


def create(call: Call) -> Reply:
    bureau = call.bureau
    ensure_schema(bureau)
    store_id, items = _check_envelope(call.json())
    with bureau.db.read() as conn:
        store = conn.execute(
            "SELECT 1 FROM stores WHERE id = ? AND dealer_id = ?", (store_id, call.dealer.id)
        ).fetchone()
    if store is None:
        raise ProblemError(
            "store.not_found",
            errors=[violation("store_id", "store.not_found", "No such store.", "门店不存在。")],
        )
    doc = store_batch(bureau, call.dealer, new_id("bat"), store_id, items, call.now)
    kick(bureau)
    return Reply(202, doc)


def _load(call: Call, conn: Any) -> Any:
    row = conn.execute(
        "SELECT * FROM batches WHERE id = ? AND dealer_id = ?",
        (call.path_params["batch_id"], call.dealer.id),
    ).fetchone()
    if row is None:
        raise ProblemError("batch.not_found")
    return row


def retrieve(call: Call) -> Reply:
    ensure_schema(call.bureau)
    with call.bureau.db.read() as conn:
        doc = batch_doc(conn, _load(call, conn))
    if doc["status"] in ("queued", "processing"):
        kick(call.bureau)  # after a restart, the first look resumes the work
    return Reply(200, doc)


def list_items(call: Call) -> Reply:
    """Items in submission order; ``status`` filters, ``cursor`` continues."""
    ensure_schema(call.bureau)
    query = QueryReader(call.query)
    limit, after = query.limit(), query.cursor()
    status = query.choice("status", _ITEM_STATUSES)
    query.check()
    with call.bureau.db.read() as conn:
        batch = _load(call, conn)
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
    return Reply(200, page_envelope(rows, limit, item_doc, seq=lambda row: row["idx"] + 1))


ENDPOINTS = [
    Endpoint("POST", "/v1/ebike-registration-batches", create, body="json"),
    Endpoint("GET", "/v1/ebike-registration-batches/{batch_id}", retrieve),
    Endpoint("GET", "/v1/ebike-registration-batches/{batch_id}/items", list_items),
]
