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

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..rules.references import validate_client_reference
from .inputs import RowStream
from .journal import Journal, JournalRow
from .outcomes import (
    batch_key,
    failed_rows,
    is_fatal,
    is_transient,
    item_outcome,
    no_batch_endpoint,
    problem_errors,
    single_key,
    single_outcome,
    split_refused,
    violation_dict,
)
from .parse import ParsedRow, item_fingerprint
from .result import BulkCounts, BulkResult

__all__ = [
    "BulkOptions",
    "BulkProgress",
    "Mode",
    "Pending",
    "Run",
    # re-exported from .outcomes, where they live
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


def _duplicate_reference(reference: str) -> dict[str, Any]:
    return {
        "column": "client_reference",
        "field": "client_reference",
        "code": "file.duplicate_reference",
        "message": f"The client reference {reference} is used by an earlier row.",
        "message_zh": f"参考号 {reference} 已被前面的行使用。",
        "severity": "error",
    }


def open_journal(path: str | Path | None, store_id: str, source: str) -> Journal:
    """The run's journal: the given file, or a fresh one in a temporary directory."""
    if path is None:
        import tempfile

        path = Path(tempfile.mkdtemp(prefix="vehreg-bulk-")) / "journal.sqlite"
    journal = Journal(path, store_id=store_id, source=source)
    journal.begin_run()
    return journal
