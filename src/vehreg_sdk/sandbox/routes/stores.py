"""``GET /v1/stores`` and ``GET /v1/stores/{store_id}``: the calling dealer's outlets."""

from __future__ import annotations

import sqlite3
from typing import Any

from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader, page_envelope
from ..problems import ProblemError
from ..seed import TEMPORARY_PLATE_ISSUERS


def _doc(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "object": "store",
        "name": row["name"],
        "address": row["address"],
        "district_code": row["district_code"],
        "phone": row["phone"],
        "temporary_plate_issuer": row["id"] in TEMPORARY_PLATE_ISSUERS,
    }


def list_stores(call: Call) -> Reply:
    query = QueryReader(call.query)
    limit, after = query.limit(), query.cursor()
    query.check()
    with call.bureau.db.read() as conn:
        rows = conn.execute(
            "SELECT * FROM stores WHERE dealer_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (call.dealer.id, after or 0, limit + 1),
        ).fetchall()
    return Reply(200, page_envelope(rows, limit, _doc))


def retrieve_store(call: Call) -> Reply:
    with call.bureau.db.read() as conn:
        row = conn.execute(
            "SELECT * FROM stores WHERE id = ? AND dealer_id = ?",
            (call.path_params["store_id"], call.dealer.id),
        ).fetchone()
    if row is None:
        raise ProblemError("store.not_found")
    return Reply(200, _doc(row))


ENDPOINTS = [
    Endpoint("GET", "/v1/stores", list_stores),
    Endpoint("GET", "/v1/stores/{store_id}", retrieve_store),
]
