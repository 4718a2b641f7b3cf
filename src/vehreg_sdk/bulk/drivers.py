"""The two loops that drive a :class:`~.submitter.Run`: asyncio workers, or a thread pool.

Both keep at most ``concurrency`` units of work in flight (a batch in batch
mode, one create in single mode), record outcomes in the journal from the
loop's own thread, stop taking new rows after an error that every row would
hit, and on Ctrl-C or cancellation leave the in-flight rows ``pending`` in the
journal (resent, safely, by the next run).

The async loop runs ``concurrency`` worker coroutines that take the next unit
from the one row stream as soon as they are free (no task per row). Single
creates are recorded in small groups (:class:`_Recorder`): a row whose
outcome is not yet written when the process dies is simply ``pending``, and its
resend carries the same ``Idempotency-Key``, so the bureau answers with the
first registration. A batch's outcomes are written as soon as it finishes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .journal import JournalRow
from .submitter import (
    BulkOptions,
    Pending,
    Run,
    batch_key,
    failed_rows,
    is_fatal,
    is_transient,
    item_outcome,
    no_batch_endpoint,
    single_key,
    single_outcome,
    split_refused,
)

if TYPE_CHECKING:
    from .._client import AsyncVehregClient, VehregClient

__all__ = ["run_async", "run_sync"]

_ITEMS_PAGE = 100
#: Single-create outcomes are written to the journal at least this often (rows, seconds).
_RECORD_ROWS = 32
_RECORD_SECONDS = 0.25


class _SwitchToSingle(Exception):
    """``auto`` mode met a bureau without the batch endpoint."""


class _Recorder:
    """Single-create outcomes, written to the journal in groups (one transaction each)."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.rows: list[JournalRow] = []
        self.last = time.monotonic()

    def add(self, outcome: JournalRow) -> None:
        self.rows.append(outcome)
        _stop_on_failure(self.run, outcome)
        if len(self.rows) >= _RECORD_ROWS or time.monotonic() - self.last >= _RECORD_SECONDS:
            self.flush()

    def flush(self) -> None:
        self.last = time.monotonic()
        if self.rows:
            rows, self.rows = self.rows, []
            self.run.record(rows)


def _units(run: Run, single: list[bool]) -> Iterator[list[Pending]]:
    """Chunks in batch mode; one-item lists in single mode (``single`` may flip mid-run).

    After a stop (the bureau unreachable) the rest of a chunk is not sent: those
    rows stay ``pending`` in the journal, for the next run.
    """
    for chunk in run.chunks():
        if single[0]:
            for pending in chunk:
                if run.stop_reason is not None:
                    break
                yield [pending]
        else:
            yield chunk


def _stop(run: Run, exc: BaseException) -> None:
    if run.stop_reason is None:
        run.stop_reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _stop_on_failure(run: Run, outcome: JournalRow) -> None:
    """A single create that failed for want of a bureau stops the run, as a failed batch does."""
    if outcome.status == "failed" and run.stop_reason is None:
        # The cause, as the batch path gives it (the SDK's errors carry both languages).
        error = outcome.errors[0]
        run.stop_reason = str(error.get("cause") or error.get("message") or "unreachable")


# ------------------------------------------------------------------------------ async


async def run_async(client: AsyncVehregClient, run: Run) -> None:
    """Drive ``run`` with ``concurrency`` worker coroutines on ``client``."""
    options = run.options
    single = [options.mode == "single"]
    units = _units(run, single)
    recorder = _Recorder(run)

    async def singles(chunk: list[Pending]) -> None:
        for pending in chunk:
            if run.stop_reason is not None:
                break  # the rest stays pending, for the next run
            recorder.add(await _create_async(client, options, pending))

    async def worker() -> None:
        # The workers share one row stream: each takes the next unit when it is free.
        for chunk in units:
            if single[0]:
                await singles(chunk)
                continue
            try:
                outcomes = await _batch_async(client, run, chunk)
            except _SwitchToSingle:
                single[0] = True
                await singles(chunk)
                continue
            run.record(outcomes)

    workers = [asyncio.ensure_future(worker()) for _ in range(options.concurrency)]
    try:
        done, _ = await asyncio.wait(workers, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            error = task.exception()
            if error is not None:
                raise error
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        recorder.flush()


async def _create_async(
    client: AsyncVehregClient, options: BulkOptions, pending: Pending
) -> JournalRow:
    try:
        created = await options.target(client)._create_one(
            options.store_id, pending.reference, pending.item, single_key(pending),
            channel=options.channel,
        )  # fmt: skip
    except Exception as exc:
        if is_fatal(exc):
            raise
        return single_outcome(pending, exc=exc)
    return single_outcome(pending, created)


async def _batch_async(
    client: AsyncVehregClient, run: Run, chunk: list[Pending]
) -> list[JournalRow]:
    """One chunk as a batch; rows the bureau refuses are rejected alone, the rest resent."""
    options = run.options
    outcomes: list[JournalRow] = []
    while chunk:
        try:
            target = options.target(client)
            batch = await target.create_batch(
                **options.channel_args(), items=[p.wire() for p in chunk],
                idempotency_key=batch_key(options.store_id, chunk),
            )  # fmt: skip
            interval = options.poll_interval
            while not batch.is_final:
                await asyncio.sleep(interval)
                interval = min(interval * 1.5, options.max_poll_interval)
                batch = await target.retrieve_batch(batch.id)
            items: dict[str, Any] = {}
            async for item in target.list_batch_items(batch.id, limit=_ITEMS_PAGE):
                items[item.client_reference] = item
        except Exception as exc:
            remaining = _after_error(run, chunk, exc, outcomes)
            if remaining is None:
                raise
            chunk = remaining
            continue
        return [*outcomes, *(item_outcome(p, items.get(p.reference), batch.id) for p in chunk)]
    return outcomes


def _after_error(
    run: Run, chunk: list[Pending], exc: Exception, outcomes: list[JournalRow]
) -> list[Pending] | None:
    """What is left to send after a batch failed (outcomes added); ``None``: re-raise."""
    if run.options.mode == "auto" and no_batch_endpoint(exc):
        raise _SwitchToSingle from exc
    if is_transient(exc):
        _stop(run, exc)
        outcomes.extend(failed_rows(chunk, exc))
        return []
    split = split_refused(chunk, exc)
    if split is None or is_fatal(exc):
        return None
    refused, rest = split
    outcomes.extend(refused)
    return rest


# ------------------------------------------------------------------------------ sync


def run_sync(client: VehregClient, run: Run) -> None:
    """Drive ``run`` with a pool of ``concurrency`` threads sharing ``client``.

    The rows are read, and the journal written, on the calling thread only.
    """
    options = run.options
    single = [options.mode == "single"]
    stop = threading.Event()
    recorder = _Recorder(run)

    def singles(chunk: list[Pending]) -> list[JournalRow]:
        outcomes: list[JournalRow] = []
        for pending in chunk:
            failed = bool(outcomes) and outcomes[-1].status == "failed"
            if failed or stop.is_set() or run.stop_reason is not None:
                break  # the rest stays pending, for the next run
            outcomes.append(_create_sync(client, options, pending))
        return outcomes

    def unit(chunk: list[Pending]) -> tuple[bool, list[JournalRow]]:
        if single[0]:
            return True, singles(chunk)
        try:
            return False, _batch_sync(client, run, chunk, stop)
        except _SwitchToSingle:
            single[0] = True
            return True, singles(chunk)

    def record(future: cf.Future[tuple[bool, list[JournalRow]]]) -> None:
        singles, outcomes = future.result()
        if not singles:
            run.record(outcomes)
            return
        for outcome in outcomes:
            recorder.add(outcome)

    pool = cf.ThreadPoolExecutor(max_workers=options.concurrency, thread_name_prefix="vehreg-bulk")
    inflight: set[cf.Future[tuple[bool, list[JournalRow]]]] = set()
    try:
        for chunk in _units(run, single):
            inflight.add(pool.submit(unit, chunk))
            if len(inflight) >= options.concurrency:
                done, inflight = cf.wait(inflight, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    record(future)
        for future in cf.as_completed(list(inflight)):
            record(future)
        inflight.clear()
    finally:
        stop.set()
        pool.shutdown(wait=not inflight, cancel_futures=True)
        recorder.flush()


def _create_sync(client: VehregClient, options: BulkOptions, pending: Pending) -> JournalRow:
    try:
        created = options.target(client)._create_one(
            options.store_id, pending.reference, pending.item, single_key(pending),
            channel=options.channel,
        )  # fmt: skip
    except Exception as exc:
        if is_fatal(exc):
            raise
        return single_outcome(pending, exc=exc)
    return single_outcome(pending, created)


def _batch_sync(
    client: VehregClient, run: Run, chunk: list[Pending], stop: threading.Event
) -> list[JournalRow]:
    """One chunk as a batch; rows the bureau refuses are rejected alone, the rest resent."""
    options = run.options
    outcomes: list[JournalRow] = []
    while chunk:
        try:
            target = options.target(client)
            batch = target.create_batch(
                **options.channel_args(), items=[p.wire() for p in chunk],
                idempotency_key=batch_key(options.store_id, chunk),
            )  # fmt: skip
            interval = options.poll_interval
            while not batch.is_final:
                if stop.wait(interval):
                    raise InterruptedError("stopped / 已停止")
                interval = min(interval * 1.5, options.max_poll_interval)
                batch = target.retrieve_batch(batch.id)
            items = {
                i.client_reference: i for i in target.list_batch_items(batch.id, limit=_ITEMS_PAGE)
            }
        except Exception as exc:
            remaining = _after_error(run, chunk, exc, outcomes)
            if remaining is None:
                raise
            chunk = remaining
            continue
        return [*outcomes, *(item_outcome(p, items.get(p.reference), batch.id) for p in chunk)]
    return outcomes
