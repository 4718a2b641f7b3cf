"""How the bulk run reads the bureau's answers: idempotency keys, and each row's outcome.

A batch refused whole or in part (:func:`split_refused`), a batch item or a single
create as the journal records it, and which errors end the run (:func:`is_fatal`),
wait for the next run (:func:`is_transient`) or switch ``auto`` mode to single creates
(:func:`no_batch_endpoint`).
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from .._errors import (
    APIConnectionError,
    APIStatusError,
    InternalServerError,
    LocalValidationError,
    RateLimitError,
)
from .journal import JournalRow
from .parse import column_of

if TYPE_CHECKING:
    from ..rules._violation import Violation
    from .submitter import Pending

__all__ = [
    "batch_key",
    "failed_rows",
    "is_fatal",
    "is_transient",
    "item_outcome",
    "no_batch_endpoint",
    "problem_errors",
    "single_key",
    "single_outcome",
    "split_refused",
    "violation_dict",
]


def batch_key(store_id: str, chunk: list[Pending]) -> str:
    """The batch POST's Idempotency-Key: the same chunk always gets the same key."""
    digest = hashlib.sha256(store_id.encode())
    for pending in chunk:
        digest.update(f"\0{pending.reference}\0{pending.fingerprint}".encode())
    return "bulk-batch-" + digest.hexdigest()[:40]


def single_key(pending: Pending) -> str:
    """A single create's Idempotency-Key: a digest of the reference and the content digest.

    A digest, not the reference itself: nothing typed into a cell goes into an
    HTTP header (the bureau sees the reference in the body, where JSON carries it).
    """
    digest = hashlib.sha256(f"{pending.reference}\0{pending.fingerprint}".encode())
    return "bulk-" + digest.hexdigest()[:48]


def split_refused(
    chunk: list[Pending], exc: BaseException, batch_id: str | None = None
) -> tuple[list[JournalRow], list[Pending]] | None:
    """A batch the bureau refused (4xx): the rows it names, rejected alone, and the rest.

    The bureau checks a batch's envelope before it judges any item; an error
    located at ``items.<n>.…`` is about one row, which is rejected with its
    column, and the other rows are sent again in a batch of their own. A
    refusal that names no item rejects the chunk's rows with the bureau's
    problem, so the run still goes on. ``None``: not a refusal of this kind.
    """
    if isinstance(exc, LocalValidationError):  # the client's own check of the batch, same rule
        found = exc.violations
    elif isinstance(exc, APIStatusError) and exc.status_code in (400, 413, 422):
        found = exc.errors
    else:
        return None
    by_index: dict[int, list[dict[str, Any]]] = {}
    for error in found:
        match = _ITEM_FIELD.fullmatch(error.field)
        if match is None or int(match[1]) >= len(chunk):
            continue
        field_path = match[2] or ""
        by_index.setdefault(int(match[1]), []).append(
            {"field": field_path, "column": column_of(field_path) if field_path else None,
             "code": error.code, "message": error.message, "message_zh": error.message_zh,
             "severity": "error"}
        )  # fmt: skip
    if not by_index:
        if not isinstance(exc, APIStatusError):
            return None
        errors = problem_errors(exc.code, exc.detail, exc.detail_zh, [])
        rejected = [JournalRow(p.row_number, p.reference, "rejected", batch_id=batch_id,
                               errors=errors) for p in chunk]  # fmt: skip
        return rejected, []
    rejected = [
        JournalRow(chunk[i].row_number, chunk[i].reference, "rejected", batch_id=batch_id,
                   errors=errors)
        for i, errors in sorted(by_index.items())
    ]  # fmt: skip
    return rejected, [p for i, p in enumerate(chunk) if i not in by_index]


_ITEM_FIELD = re.compile(r"items\.(\d+)(?:\.(.+))?")


def violation_dict(violation: Violation) -> dict[str, Any]:
    out = violation.to_dict()
    out["column"] = column_of(violation.field)
    return out


def problem_errors(
    code: str, detail: str, detail_zh: str, errors: list[Any], existing_id: str | None = None
) -> list[dict[str, Any]]:
    """A bureau rejection as journal errors: one per field error, or the problem itself."""
    out: list[dict[str, Any]] = []
    for error in errors:
        data = error.to_dict() if hasattr(error, "to_dict") else dict(error)
        if hasattr(error, "model_dump"):
            data = error.model_dump()
        field_path = str(data.get("field") or "")
        out.append(
            {
                "field": field_path,
                "column": column_of(field_path),
                "code": str(data.get("code") or code),
                "message": str(data.get("message") or detail),
                "message_zh": str(data.get("message_zh") or detail_zh),
                "severity": str(data.get("severity") or "error"),
            }
        )
    if not out:
        field_path = "vehicle.vehicle_code" if code.startswith("vehicle.") else ""
        out.append(
            {"field": field_path, "column": column_of(field_path) if field_path else None,
             "code": code, "message": detail, "message_zh": detail_zh, "severity": "error"}
        )  # fmt: skip
    if existing_id:
        out[0]["existing_id"] = existing_id
    return out


def failed_rows(chunk: list[Pending], exc: BaseException) -> list[JournalRow]:
    """Rows whose fate is unknown because the bureau could not be reached: resent next run."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    errors = [{"field": "", "column": None, "code": "bulk.unreachable", "severity": "error",
               "message": f"Not sent or not confirmed ({message}); run again to resume.",
               "message_zh": f"未发送或未确认（{message}）；请重新运行以继续。",
               "cause": message}]  # fmt: skip
    return [JournalRow(p.row_number, p.reference, "failed", errors=errors) for p in chunk]


def is_transient(exc: BaseException) -> bool:
    """Errors after which the bureau's state is unknown or it is unavailable: retry later."""
    return isinstance(exc, APIConnectionError | InternalServerError | RateLimitError) or (
        isinstance(exc, APIStatusError) and exc.code == "idempotency.in_progress"
    )


def item_outcome(pending: Pending, item: Any | None, batch_id: str | None) -> JournalRow:
    """A batch item (``BatchItem``) as the journal records it."""
    if item is None:
        missing = failed_rows([pending], RuntimeError("missing from batch"))[0].errors
        return JournalRow(
            pending.row_number, pending.reference, "failed", batch_id=batch_id, errors=missing
        )
    status = str(getattr(item.status, "value", item.status))
    if status == "registered":
        return JournalRow(pending.row_number, pending.reference, "registered",
                          item.registration_id, item.plate_number, batch_id)  # fmt: skip
    if status == "rejected" and item.error is not None:
        error = item.error
        errors = problem_errors(error.code, error.detail, error.detail_zh, list(error.errors),
                                error.existing_id)  # fmt: skip
        return JournalRow(pending.row_number, pending.reference, "rejected", batch_id=batch_id,
                          errors=errors)  # fmt: skip
    unfinished = failed_rows([pending], RuntimeError(f"item {status}"))[0].errors
    return JournalRow(
        pending.row_number, pending.reference, "failed", batch_id=batch_id, errors=unfinished
    )


def single_outcome(
    pending: Pending, registration: Any = None, exc: BaseException | None = None
) -> JournalRow:
    """A single create's answer (or its error) as the journal records it."""
    if registration is not None:
        return JournalRow(pending.row_number, pending.reference, "registered",
                          registration.id, registration.plate_number)  # fmt: skip
    if isinstance(exc, LocalValidationError):
        errors = [violation_dict(v) for v in exc.violations]
        return JournalRow(pending.row_number, pending.reference, "rejected", errors=errors)
    if isinstance(exc, APIStatusError) and not is_transient(exc):
        existing = getattr(exc, "existing_id", None)
        errors = problem_errors(exc.code, exc.detail, exc.detail_zh, exc.errors, existing)
        return JournalRow(pending.row_number, pending.reference, "rejected", errors=errors)
    assert exc is not None
    return failed_rows([pending], exc)[0]


def is_fatal(exc: BaseException) -> bool:
    """Errors no row can get past (credentials, a store that is not the dealer's)."""
    return isinstance(exc, APIStatusError) and (
        exc.status_code in (401, 403)
        or exc.code in ("store.not_found", "auth.invalid_signature", "auth.clock_skew")
    )


def no_batch_endpoint(exc: BaseException) -> bool:
    """The bureau has no batch endpoint (an older bureau): ``auto`` mode falls back to singles."""
    return (
        isinstance(exc, APIStatusError)
        and exc.status_code in (404, 405)
        and exc.code.startswith("route.")
    )
