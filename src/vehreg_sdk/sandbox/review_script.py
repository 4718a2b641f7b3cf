"""Sandbox-only test helper: script the outcome of a registration's next review.

``POST /v1/test-helpers/ebike-registrations/{id}/review`` with
``{"outcome": "returned" | "rejected" | "approved", "reasons": [...]}`` stores
the outcome; the next review of that registration answers it instead of the
built-in triggers, then the script is spent (a returned registration whose
retakes arrive is reviewed normally again). Like Stripe's test helpers, this
route exists only in the sandbox; the real bureau has no such path.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .auth import Dealer
from .bureau import Bureau
from .problems import ProblemError, body_not_object, unknown_field, violation
from .registrations import OPEN_STATUSES, invalid_state, load

SCRIPTED_OUTCOMES = ("approved", "returned", "rejected")
MAX_REASON_TEXT = 200
_REASON_FIELDS = frozenset({"code", "photo_kind", "message", "message_zh"})


def _text(value: Any, field: str, errors: list[Any], *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_REASON_TEXT:
        errors.append(
            violation(
                field,
                "field.type",
                f"{field} is text of 1 to {MAX_REASON_TEXT} characters.",
                f"{field} 应为 1 至 {MAX_REASON_TEXT} 字的文本。",
            )
        )
        return None
    return value.strip()


def parse_script(payload: Any, photo_kinds: tuple[str, ...]) -> tuple[str, list[dict[str, Any]]]:
    """The outcome and reasons of a script body, or 422 naming each bad field."""
    errors: list[Any] = []
    if not isinstance(payload, dict):
        raise ProblemError("validation.failed", errors=[body_not_object()])
    errors += [unknown_field(name) for name in payload if name not in ("outcome", "reasons")]
    outcome = payload.get("outcome")
    if outcome not in SCRIPTED_OUTCOMES:
        errors.append(
            violation(
                "outcome",
                "field.enum",
                "outcome is one of approved, returned, rejected.",
                "outcome 应为 approved、returned 或 rejected 之一。",
            )
        )
    raw_reasons = payload.get("reasons", [])
    reasons: list[dict[str, Any]] = []
    if not isinstance(raw_reasons, list) or len(raw_reasons) > len(photo_kinds) + 1:
        errors.append(
            violation(
                "reasons",
                "field.type",
                "reasons is a short list of objects.",
                "reasons 应为对象列表（条数有限）。",
            )
        )
        raw_reasons = []
    for index, raw in enumerate(raw_reasons):
        where = f"reasons[{index}]"
        if not isinstance(raw, dict):
            errors.append(
                violation(where, "field.type", f"{where} is an object.", f"{where} 应为对象。")
            )
            continue
        errors += [unknown_field(f"{where}.{name}") for name in raw if name not in _REASON_FIELDS]
        kind = raw.get("photo_kind")
        if kind is not None and kind not in photo_kinds:
            errors.append(
                violation(
                    f"{where}.photo_kind",
                    "field.enum",
                    f"photo_kind is one of {', '.join(photo_kinds)}, or null.",
                    f"photo_kind 应为 {'、'.join(photo_kinds)} 之一，或为 null。",
                )
            )
        message_zh = _text(raw.get("message_zh"), f"{where}.message_zh", errors, required=True)
        message = _text(raw.get("message"), f"{where}.message", errors, required=False)
        code = _text(raw.get("code"), f"{where}.code", errors, required=False)
        reasons.append(
            {
                "code": code or ("photo.retake" if kind else "review.sandbox"),
                "photo_kind": kind,
                "message": message or "The reviewer gave a reason (see message_zh).",
                "message_zh": message_zh,
            }
        )
    if outcome == "returned" and not any(r["photo_kind"] for r in reasons) and not errors:
        errors.append(
            violation(
                "reasons",
                "field.required",
                "A returned review names at least one photo_kind to retake.",
                "退回复核须至少指明一种需重拍的照片（photo_kind）。",
            )
        )
    if errors:
        raise ProblemError("validation.failed", errors=errors)
    assert isinstance(outcome, str)
    return outcome, reasons


def store_script(
    bureau: Bureau, dealer: Dealer, registration_id: str, payload: Any, photo_kinds: tuple[str, ...]
) -> dict[str, Any]:
    """Store the script for the registration's next review; the registration as it is."""
    outcome, reasons = parse_script(payload, photo_kinds)
    with bureau.db.write() as conn:
        row = load(conn, dealer, registration_id)
        if row["status"] not in OPEN_STATUSES:
            raise invalid_state(row["status"], "given a scripted review", "设定复核结果")
        conn.execute(
            "INSERT OR REPLACE INTO review_scripts (registration_id, outcome, reasons) "
            "VALUES (?, ?, ?)",
            (row["id"], outcome, json.dumps(reasons, ensure_ascii=False)),
        )
        doc: dict[str, Any] = json.loads(row["doc"])
    return doc


def take_script(
    conn: sqlite3.Connection, registration_id: str
) -> tuple[str, list[dict[str, Any]]] | None:
    """The scripted outcome of this review, spent as it is read (None: no script)."""
    row = conn.execute(
        "SELECT outcome, reasons FROM review_scripts WHERE registration_id = ?",
        (registration_id,),
    ).fetchone()
    if row is None:
        return None
    conn.execute("DELETE FROM review_scripts WHERE registration_id = ?", (registration_id,))
    reasons: list[dict[str, Any]] = json.loads(row[1])
    return str(row[0]), reasons
