"""The two loops that drive a :class:`~.submitter.Run`: asyncio tasks, or a thread pool.

Both keep at most ``concurrency`` units of work in flight (a batch in batch
mode, one create in single mode), record outcomes in the journal from the
loop's own thread, stop taking new rows after an error that every row would
hit, and on Ctrl-C or cancellation leave the in-flight rows ``pending`` in the
journal (resent, safely, by the next run).
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .journal import JournalRow
from .submitter import (
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
)

if TYPE_CHECKING:
    from .._client import AsyncVehregClient, VehregClient

__all__ = ["run_async", "run_sync"]

_ITEMS_PAGE = 100


class _SwitchToSingle(Exception):
    """``auto`` mode met a bureau without the batch endpoint."""


def _units(run: Run, single: list[bool]) -> Iterator[list[Pending]]:
    """Chunks in batch mode; one-item lists in single mode (``single`` may flip mid-run)."""
    for chunk in run.chunks():
        if single[0]:
            for pending in chunk:
                yield [pending]
        else:
            yield chunk


def _stop(run: Run, exc: BaseException) -> None:
    if run.stop_reason is None:
        run.stop_reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _stop_on_failure(run: Run, outcomes: list[JournalRow]) -> list[JournalRow]:
    """Single creates that failed for want of a bureau stop the run, as a failed batch does."""
    for outcome in outcomes:
        if outcome.status == "failed" and run.stop_reason is None:
            run.stop_reason = str(outcome.errors[0].get("message", "unreachable"))
    return outcomes


# ------------------------------------------------------------------------------ async


async def run_async(client: AsyncVehregClient, run: Run) -> None:
    """Drive ``run`` with asyncio tasks on ``client``."""
    options = run.options
    single = [options.mode == "single"]
    inflight: set[asyncio.Task[list[JournalRow]]] = set()

    async def singles(chunk: list[Pending]) -> list[JournalRow]:
        creates = (_create_async(client, options.store_id, p) for p in chunk)
        return _stop_on_failure(run, list(await asyncio.gather(*creates)))

    async def unit(chunk: list[Pending]) -> list[JournalRow]:
        # A chunk made before ``auto`` switched to singles may start after the switch.
        if single[0]:
            return await singles(chunk)
        try:
            return await _batch_async(client, run, chunk)
        except _SwitchToSingle:
            single[0] = True
            return await singles(chunk)

    async def settle(wait_all: bool) -> None:
        nonlocal inflight
        done, inflight = await asyncio.wait(
            inflight, return_when=asyncio.ALL_COMPLETED if wait_all else asyncio.FIRST_COMPLETED
        )
        for task in done:
            run.record(task.result())

    try:
        for chunk in _units(run, single):
            inflight.add(asyncio.ensure_future(unit(chunk)))
            if len(inflight) >= options.concurrency:
                await settle(False)
        if inflight:
            await settle(True)
    finally:
        for task in inflight:
            task.cancel()
        if inflight:
            await asyncio.gather(*inflight, return_exceptions=True)


async def _create_async(client: AsyncVehregClient, store_id: str, pending: Pending) -> JournalRow:
    item = pending.item
    try:
        registration = await client.ebike_registrations.create(
            store_id=store_id, vehicle=item["vehicle"], owner=item["owner"], sale=item["sale"],
            uploads=item.get("uploads", ()), client_reference=pending.reference,
            idempotency_key=single_key(pending),
        )  # fmt: skip
    except Exception as exc:
        if is_fatal(exc):
            raise
        return single_outcome(pending, exc=exc)
    return single_outcome(pending, registration)


async def _batch_async(
    client: AsyncVehregClient, run: Run, chunk: list[Pending]
) -> list[JournalRow]:
    options = run.options
    try:
        batch = await client.bulk.create_batch(
            store_id=options.store_id, items=[p.wire() for p in chunk],
            idempotency_key=batch_key(options.store_id, chunk),
        )  # fmt: skip
        interval = options.poll_interval
        while not batch.is_final:
            await asyncio.sleep(interval)
            interval = min(interval * 1.5, options.max_poll_interval)
            batch = await client.bulk.retrieve_batch(batch.id)
        items: dict[str, Any] = {}
        async for item in client.bulk.list_batch_items(batch.id, limit=_ITEMS_PAGE):
            items[item.client_reference] = item
    except Exception as exc:
        if options.mode == "auto" and no_batch_endpoint(exc):
            raise _SwitchToSingle from exc
        if is_transient(exc):
            _stop(run, exc)
            return failed_rows(chunk, exc)
        raise
    return [item_outcome(p, items.get(p.reference), batch.id) for p in chunk]


# ------------------------------------------------------------------------------ sync


def run_sync(client: VehregClient, run: Run) -> None:
    """Drive ``run`` with a pool of ``concurrency`` threads sharing ``client``."""
    options = run.options
    single = [options.mode == "single"]
    stop = threading.Event()

    def unit(chunk: list[Pending]) -> list[JournalRow]:
        if single[0]:
            return _stop_on_failure(run, [_create_sync(client, options.store_id, p) for p in chunk])
        try:
            return _batch_sync(client, run, chunk, stop)
        except _SwitchToSingle:
            single[0] = True
            return _stop_on_failure(run, [_create_sync(client, options.store_id, p) for p in chunk])

    pool = cf.ThreadPoolExecutor(max_workers=options.concurrency, thread_name_prefix="vehreg-bulk")
    inflight: set[cf.Future[list[JournalRow]]] = set()
    try:
        for chunk in _units(run, single):
            inflight.add(pool.submit(unit, chunk))
            if len(inflight) >= options.concurrency:
                done, inflight = cf.wait(inflight, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    run.record(future.result())
        for future in cf.as_completed(list(inflight)):
            run.record(future.result())
        inflight.clear()
    finally:
        stop.set()
        pool.shutdown(wait=not inflight, cancel_futures=True)


def _create_sync(client: VehregClient, store_id: str, pending: Pending) -> JournalRow:
    item = pending.item
    try:
        registration = client.ebike_registrations.create(
            store_id=store_id, vehicle=item["vehicle"], owner=item["owner"], sale=item["sale"],
            uploads=item.get("uploads", ()), client_reference=pending.reference,
            idempotency_key=single_key(pending),
        )  # fmt: skip
    except Exception as exc:
        if is_fatal(exc):
            raise
        return single_outcome(pending, exc=exc)
    return single_outcome(pending, registration)


def _batch_sync(
    client: VehregClient, run: Run, chunk: list[Pending], stop: threading.Event
) -> list[JournalRow]:
    options = run.options
    try:
        batch = client.bulk.create_batch(
            store_id=options.store_id, items=[p.wire() for p in chunk],
            idempotency_key=batch_key(options.store_id, chunk),
        )  # fmt: skip
        interval = options.poll_interval
        while not batch.is_final:
            if stop.wait(interval):
                raise InterruptedError("stopped / 已停止")
            interval = min(interval * 1.5, options.max_poll_interval)
            batch = client.bulk.retrieve_batch(batch.id)
        items = {
            i.client_reference: i for i in client.bulk.list_batch_items(batch.id, limit=_ITEMS_PAGE)
        }
    except Exception as exc:
        if options.mode == "auto" and no_batch_endpoint(exc):
            raise _SwitchToSingle from exc
        if is_transient(exc):
            _stop(run, exc)
            return failed_rows(chunk, exc)
        raise
    return [item_outcome(p, items.get(p.reference), batch.id) for p in chunk]
