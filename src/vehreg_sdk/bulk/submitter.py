"""Sending rows to the bureau: in batches (or as single creates), journaled, resumable.

The run reads rows lazily, groups the good ones into chunks, records each
chunk in the journal as ``pending`` *before* it is sent, sends at most
``concurrency`` chunks (batch mode) or items (single mode) at once, and
records each outcome as it arrives. Rows never pile up: the reader waits
while the senders are busy, so memory stays flat however long the file.

Every item carries its ``client_reference``, the bureau's durable,
dealer-scoped idempotency key for that item, so resending a ``pending`` row
after a crash returns its first outcome instead of a second registration.
The journal is only touched from the thread that runs the loop.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .._errors import (
    APIConnectionError,
    APIStatusError,
    InternalServerError,
    LocalValidationError,
    RateLimitError,
)
from ..rules._violation import Violation
from ..rules.references import validate_client_reference
from .inputs import RowStream
from .journal import Journal, JournalRow
from .parse import ParsedRow, column_of, item_fingerprint
from .result import BulkCounts, BulkResult

__all__ = ["BulkOptions", "BulkProgress", "Mode", "Pending", "Run"]

Mode = Literal["batch", "single", "auto"]


@dataclass(slots=True)
class BulkProgress:
    """Where a run is: rows handled so far, the total when known, the counts."""

    done: int
    total: int | None
    counts: BulkCounts


@dataclass(slots=True)
class BulkOptions:
    """How to send: ``concurrency`` requests in flight, ``batch_size`` items per batch.

    ``store_id`` is the value of the run's ``channel`` field: a store for e-bikes and
    for cars at a station, an on-site inspection's id for cars registered through it
    (``kind="car"``, ``channel="onsite_inspection_id"``).
    """

    store_id: str
    concurrency: int = 4
    batch_size: int = 100
    mode: Mode = "batch"
    poll_interval: float = 0.02
    max_poll_interval: float = 0.5
    progress: Callable[[BulkProgress], None] | None = None
    kind: str = "ebike"
    channel: str = "store_id"

    def channel_args(self) -> dict[str, str]:
        """The batch request's channel argument (``{"store_id": "st_…"}``)."""
        return {self.channel: self.store_id}

    def target(self, client: Any) -> Any:
        """The client resource that sends this run's rows: ``bulk`` or ``car_bulk``."""
        return client.car_bulk if self.kind == "car" else client.bulk

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= 500:
            raise ValueError("batch_size must be 1 to 500 / batch_size 应为 1 至 500")
        if not 1 <= self.concurrency <= 64:
            raise ValueError("concurrency must be 1 to 64 / concurrency 应为 1 至 64")
        if self.mode not in ("batch", "single", "auto"):
            raise ValueError("mode is batch, single or auto / mode 应为 batch、single 或 auto")


@dataclass(slots=True)
class Pending:
    """A row about to be sent: its key, the digest of its content, where it was, the item."""

    reference: str
    fingerprint: str
    row_number: int
    item: dict[str, Any]
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def wire(self) -> dict[str, Any]:
        return {"client_reference": self.reference, **self.item}


@dataclass(slots=True)
class Run:
    """The loop's state, shared by the sync and async drivers (no I/O but the journal)."""

    stream: RowStream
    journal: Journal
    options: BulkOptions
    counts: BulkCounts = field(default_factory=BulkCounts)
    stop_reason: str | None = None
    _seen_references: set[str] = field(default_factory=set)
    _invalid: list[tuple[int, str | None, list[dict[str, Any]]]] = field(default_factory=list)

    # -------------------------------------------------------------- reading side
    def chunks(self) -> Iterator[list[Pending]]:
        """Chunks of rows to send, each already claimed in the journal; stops on ``stop_reason``."""
        buffer: list[Pending] = []
        size = self.options.batch_size
        for _source, parsed in self.stream:
            if self.stop_reason is not None:
                break
            self.counts.total += 1
            pending = self._pending(parsed)
            if pending is not None:
                buffer.append(pending)
            if len(buffer) >= size:
                yield from self._claim(buffer)
                buffer = []
        if buffer and self.stop_reason is None:
            yield from self._claim(buffer)
        self._flush_invalid()

    def _pending(self, parsed: ParsedRow) -> Pending | None:
        if parsed.item is None:
            self._invalid_row(parsed.row_number, None, [i.to_dict() for i in parsed.issues])
            return None
        reference = str(parsed.item["client_reference"])
        refused = validate_client_reference(reference)
        if refused:
            # The bureau's rule, checked before sending: a bad 参考号 would make the
            # bureau refuse the whole batch (it is the items' key), so it stops here alone.
            self._invalid_row(parsed.row_number, None, [violation_dict(v) for v in refused])
            return None
        if reference in self._seen_references:
            self._invalid_row(parsed.row_number, reference, [_duplicate_reference(reference)])
            return None
        self._seen_references.add(reference)
        item = {k: v for k, v in parsed.item.items() if k != "client_reference"}
        fingerprint = parsed.fingerprint or item_fingerprint(item)
        # A row that is sent has no errors: whatever issues it has are warnings (flags).
        warnings = [issue.to_dict() for issue in parsed.issues]
        return Pending(reference, fingerprint, parsed.row_number, item, warnings)

    def _invalid_row(
        self, number: int, reference: str | None, errors: list[dict[str, Any]]
    ) -> None:
        self._invalid.append((number, reference, errors))
        self.counts.invalid += 1
        if len(self._invalid) >= 256:
            self._flush_invalid()

    def _flush_invalid(self) -> None:
        if self._invalid:
            self.journal.record_invalid(self._invalid)
            self._invalid = []
            self._tick()

    def _claim(self, buffer: list[Pending]) -> Iterator[list[Pending]]:
        self._flush_invalid()
        to_send, known = self.journal.claim(
            [(p.reference, p.fingerprint, p.row_number) for p in buffer],
            {p.row_number: p.warnings for p in buffer if p.warnings},
        )
        self.counts.flagged += sum(1 for p in buffer if p.warnings)
        for row in known:
            self.counts.resumed += 1
            self._count(row)
        if known:
            self._tick()
        sending = {reference for reference, _, _ in to_send}
        chunk = [p for p in buffer if p.reference in sending]
        if chunk:
            yield chunk

    # -------------------------------------------------------------- outcomes
    def record(self, outcomes: list[JournalRow]) -> None:
        self.journal.record(outcomes)
        for row in outcomes:
            self._count(row)
        self._tick()

    def _count(self, row: JournalRow) -> None:
        if row.status in ("registered", "rejected", "failed", "pending"):
            setattr(self.counts, row.status, getattr(self.counts, row.status) + 1)

    def _tick(self) -> None:
        progress = self.options.progress
        if progress is not None:
            done = self.counts.total - self.in_flight_rows()
            progress(BulkProgress(done, self.stream.info.rows, self.counts))

    def in_flight_rows(self) -> int:
        c = self.counts
        return max(c.total - c.registered - c.rejected - c.failed - c.invalid, 0)

    def result(self) -> BulkResult:
        counts = self.journal.counts()
        final = BulkCounts(
            total=self.counts.total, resumed=counts["resumed"], flagged=counts["flagged"]
        )
        for name in ("registered", "rejected", "failed", "pending", "invalid"):
            setattr(final, name, counts[name])
        return BulkResult(
            journal_path=self.journal.path,
            store_id=self.options.store_id,
            run_id=self.journal.run_id,
            counts=final,
            source=self.stream.info,
            complete=self.stop_reason is None and final.pending == 0,
            stop_reason=self.stop_reason,
        )


# ------------------------------------------------------------------ mapping answers to outcomes


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


def _duplicate_reference(reference: str) -> dict[str, Any]:
    return {
        "column": "client_reference",
        "field": "client_reference",
        "code": "file.duplicate_reference",
        "message": f"The client reference {reference} is used by an earlier row.",
        "message_zh": f"参考号 {reference} 已被前面的行使用。",
        "severity": "error",
    }


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


def open_journal(path: str | Path | None, store_id: str, source: str) -> Journal:
    """The run's journal: the given file, or a fresh one in a temporary directory."""
    if path is None:
        import tempfile

        path = Path(tempfile.mkdtemp(prefix="vehreg-bulk-")) / "journal.sqlite"
    journal = Journal(path, store_id=store_id, source=source)
    journal.begin_run()
    return journal
