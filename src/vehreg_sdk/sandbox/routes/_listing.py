"""The read and list blocks every dealer-owned resource's routes repeat."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any, Literal

from ..auth import Dealer
from ..endpoint import Call
from ..pagination import page_envelope

#: The tables a dealer lists from: a fixed set, so the table name in the statement is no input.
Table = Literal["registrations", "vehicle_registrations", "onsite_inspections", "temporary_plates"]


def stored_doc(row: sqlite3.Row) -> dict[str, Any]:
    """The JSON document a row stores, as the API returns it."""
    doc: dict[str, Any] = json.loads(row["doc"])
    return doc


def read_doc(
    call: Call,
    load: Callable[[sqlite3.Connection, Dealer, str], sqlite3.Row],
    id_param: str,
) -> dict[str, Any]:
    """The dealer's resource named by the path parameter ``id_param`` (404 from ``load``)."""
    with call.bureau.db.read() as conn:
        row = load(conn, call.dealer, call.path_params[id_param])
    return stored_doc(row)


def dealer_page(
    call: Call,
    table: Table,
    limit: int,
    filters: Iterable[tuple[str, Any]],
    render: Callable[[sqlite3.Row], dict[str, Any]] = stored_doc,
) -> dict[str, Any]:
    """A page of the dealer's rows, newest first: each ``(clause, value)`` filter with a
    value other than ``None`` narrows it (they intersect)."""
    clauses, params = ["dealer_id = ?"], [call.dealer.id]
    for clause, value in filters:
        if value is not None:
            clauses.append(clause)
            params.append(value)
    with call.bureau.db.read() as conn:
        rows = conn.execute(
            f"SELECT seq, doc FROM {table} WHERE {' AND '.join(clauses)} "  # noqa: S608
            "ORDER BY seq DESC LIMIT ?",
            (*params, limit + 1),
        ).fetchall()
    return page_envelope(rows, limit, render)
