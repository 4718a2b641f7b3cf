"""``client.bulk``: batches of e-bike registrations (批量登记) and the resumable bulk runner.

Two levels:

* the batch endpoints as they are: :meth:`Bulk.create_batch` (``POST
  /v1/ebike-registration-batches``, up to 500 items, answered 202),
  :meth:`Bulk.retrieve_batch` and :meth:`Bulk.list_batch_items`;
* :meth:`Bulk.submit`: any number of rows (a .csv/.xlsx path or an iterable),
  checked offline, sent in batches with a journal on disk, resumable after a
  crash without ever registering a row twice. Returns a
  :class:`~vehreg_sdk.bulk.BulkResult`.

In ``mode="single"`` the rows go out as ``POST /v1/ebike-registrations``, one
per row, exactly the body ``client.ebike_registrations.create`` would send; the
row has already been judged by the same rules, so they are not run a second
time, and only the registration id and plate are read from the answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Unpack

import httpx

from .._errors import ConflictError, LocalValidationError
from .._logging import logger
from .._pagination import AsyncPaginator, SyncCursorPage, page_params
from .._types import RequestOptions
from ..types.ebike_registration_batches import BatchItem, BatchItemStatus, EbikeRegistrationBatch
from ._base import AsyncAPIResource, SyncAPIResource, model_parser, segment
from ._ebike_submit import should_recover

if TYPE_CHECKING:
    from ..bulk.result import BulkResult
    from ..bulk.submitter import BulkProgress, Mode
    from ..rules.config import RuleConfig

__all__ = ["AsyncBulk", "Bulk"]

PATH: Final = "/v1/ebike-registration-batches"
REGISTRATIONS: Final = "/v1/ebike-registrations"
_PARSE = model_parser(EbikeRegistrationBatch)


def _items(items: Sequence[Any]) -> list[Any]:
    """The items as JSON objects; their ``client_reference`` checked first, with no network call.

    Raises :class:`~vehreg_sdk.LocalValidationError` for a reference that breaks the
    rule (:func:`vehreg_sdk.rules.validate_client_reference`) or repeats in the batch,
    as the bureau would (``batch.reference_invalid``, ``batch.duplicate_reference``).
    """
    import dataclasses

    from ..rules import Violation, validate_client_reference

    out = [i.model_dump(mode="json") if hasattr(i, "model_dump") else dict(i) for i in items]
    errors: list[Violation] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(out):
        field = f"items.{index}.client_reference"
        reference = item.get("client_reference")
        invalid = validate_client_reference(reference, field)
        errors += [dataclasses.replace(v, code="batch.reference_invalid") for v in invalid]
        if invalid or not isinstance(reference, str):
            continue
        if reference in seen:
            errors.append(Violation(
                "batch.duplicate_reference", field,
                f"client_reference repeats item {seen[reference]}.",
                f"client_reference 与第 {seen[reference]} 个条目重复。",
            ))  # fmt: skip
        else:
            seen[reference] = index
    if errors:
        raise LocalValidationError(errors)
    return out


@dataclass(frozen=True, slots=True)
class Created:
    """What a single create of the bulk runner keeps of the answer: the id and the plate."""

    id: str
    plate_number: str | None


def _created(response: httpx.Response) -> Created:
    data = json.loads(response.content)
    plate = data.get("plate_number")
    return Created(str(data["id"]), None if plate is None else str(plate))


def _single_body(
    store_id: str, reference: str, item: Mapping[str, Any], channel: str = "store_id"
) -> dict[str, Any]:
    return {channel: store_id, **item, "client_reference": reference}


def _recoverable(error: ConflictError) -> str | None:
    """The registration a 409 names when it may be this very row's earlier create."""
    return error.existing_id if should_recover(error, caller_key=True) else None


def _same_row(existing: Any, body: Mapping[str, Any]) -> bool:
    """An existing registration is this row: same store, bike, invoice and reference.

    (As ``ebike_registrations.create`` decides: an idempotency record expired,
    or the row was first sent in a batch by an interrupted run.)
    """

    def norm(value: Any) -> str:
        return str(value or "").strip().upper()

    return (
        existing.store_id == body["store_id"]
        and norm(existing.vehicle.vehicle_code) == norm(body["vehicle"].get("vehicle_code"))
        and norm(existing.sale.invoice_number) == norm(body["sale"].get("invoice_number"))
        and existing.client_reference == body["client_reference"]
    )


def _prepare(
    rows: Any,
    *,
    store_id: str,
    concurrency: int,
    journal: str | Path | None,
    mode: Mode,
    batch_size: int,
    on: date | None,
    catalogue: Mapping[str, Mapping[str, Any]] | None,
    config: RuleConfig | None,
    owner_duplicates: str,
    progress: Callable[[BulkProgress], None] | None,
) -> Any:
    from ..bulk.inputs import open_rows
    from ..bulk.parse import RowParser
    from ..bulk.submitter import BulkOptions, Run, open_journal
    from ..rules._input import today_shanghai
    from ..rules.config import DEFAULT_CONFIG

    options = BulkOptions(store_id, concurrency, batch_size, mode, progress=progress)
    parser = RowParser(
        on=on or today_shanghai(), catalogue=catalogue, config=config or DEFAULT_CONFIG
    )
    stream = open_rows(rows, parser, owner_duplicates=owner_duplicates)
    try:
        source = str(stream.info.path or "")
        return Run(stream, open_journal(journal, store_id, source), options)
    except BaseException:
        stream.close()
        raise


class Bulk(SyncAPIResource):
    #: The batch and single-create paths, the batch model: a car subclass changes them.
    _batches: str = PATH
    _singles: str = REGISTRATIONS
    _parse_batch: Any = staticmethod(_PARSE)

    def _registrations(self) -> Any:
        return self._client.ebike_registrations

    def _same_row(self, existing: Any, body: Mapping[str, Any]) -> bool:
        return _same_row(existing, body)

    def create_batch(
        self,
        *,
        store_id: str,
        items: Sequence[Mapping[str, Any] | Any],
        **options: Unpack[RequestOptions],
    ) -> EbikeRegistrationBatch:
        """Queue up to 500 items (``client_reference``, ``vehicle``, ``owner``, ``sale``, …).

        Answered at once (202) with the batch ``queued``; every item is then
        judged on its own. An item's ``client_reference`` is its durable
        idempotency key: resending it returns its first outcome.
        """
        body = {"store_id": store_id, "items": _items(items)}
        result: EbikeRegistrationBatch = self._request(
            "POST", self._batches, self._parse_batch, options, json_body=body
        )
        return result

    def retrieve_batch(
        self, batch_id: str, **options: Unpack[RequestOptions]
    ) -> EbikeRegistrationBatch:
        """The batch's status (queued, processing, completed, failed) and counts."""
        result: EbikeRegistrationBatch = self._request(
            "GET", f"{self._batches}/{segment(batch_id)}", self._parse_batch, options
        )
        return result

    def list_batch_items(
        self,
        batch_id: str,
        *,
        status: BatchItemStatus | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncCursorPage[BatchItem]:
        """The items in submission order: registration id and plate, or the bilingual error."""
        params = page_params(status=status, limit=limit, cursor=cursor)
        page: SyncCursorPage[BatchItem] = self._page(
            f"{self._batches}/{segment(batch_id)}/items", BatchItem, params, options
        )
        return page

    def _create_one(
        self,
        store_id: str,
        reference: str,
        item: Mapping[str, Any],
        idempotency_key: str,
        *,
        channel: str = "store_id",
    ) -> Created:
        """One row as a single create (the bulk runner's ``single`` mode); see the module doc."""
        body = _single_body(store_id, reference, item, channel)
        options: RequestOptions = {"idempotency_key": idempotency_key}
        try:
            created: Created = self._request(
                "POST", self._singles, _created, options, json_body=body, raw=False
            )
        except ConflictError as error:
            existing_id = _recoverable(error)
            if existing_id is None:
                raise
            existing = self._registrations().retrieve(existing_id)
            if not self._same_row(existing, body):
                raise
            created = Created(existing.id, existing.plate_number)
            logger.info("bulk: %s was this row's earlier create (%s)", existing_id, error.code)
        return created

    def submit(
        self,
        rows: str | Path | Iterable[Any],
        *,
        store_id: str,
        concurrency: int = 4,
        journal: str | Path | None = None,
        mode: Mode = "batch",
        batch_size: int = 100,
        on: date | None = None,
        catalogue: Mapping[str, Mapping[str, Any]] | Literal["bureau"] | None = "bureau",
        config: RuleConfig | None = None,
        owner_duplicates: str = "error",
        progress: Callable[[BulkProgress], None] | None = None,
    ) -> BulkResult:
        """Register every row; rows that break a rule are reported, the rest go through.

        ``rows``: a .csv/.xlsx path or an iterable (flat rows keyed like the
        template, nested items, or models), streamed. ``journal``: a SQLite
        file recording each row's key and outcome; rerun with the same file to
        resume after a crash or Ctrl-C (without one, a temporary journal is
        used and the run cannot be resumed). ``mode``: ``batch`` (the batch
        endpoint), ``single`` (concurrent single creates) or ``auto`` (batch,
        falling back to single creates on a bureau without batches). ``on``:
        the business date for the rules (default today, Asia/Shanghai);
        ``catalogue``: product model -> catalogue entry, used to check models
        and to fill empty battery cells with the certified values; ``"bureau"``
        (default) fetches it once from ``client.catalogue``, ``None`` skips it.
        ``progress`` is called as rows finish.
        """
        from ..bulk.drivers import run_sync

        if catalogue == "bureau":
            catalogue = {
                m.product_model: m.model_dump(mode="json")
                for m in self._client.catalogue.list(limit=100)
            }
        run = _prepare(
            rows, store_id=store_id, concurrency=concurrency, journal=journal, mode=mode,
            batch_size=batch_size, on=on, catalogue=catalogue, config=config,
            owner_duplicates=owner_duplicates, progress=progress,
        )  # fmt: skip
        try:
            run_sync(self._client, run)
            result: BulkResult = run.result()
        finally:
            run.stream.close()
            run.journal.close()
        return result


class AsyncBulk(AsyncAPIResource):
    #: The batch and single-create paths, the batch model: a car subclass changes them.
    _batches: str = PATH
    _singles: str = REGISTRATIONS
    _parse_batch: Any = staticmethod(_PARSE)

    def _registrations(self) -> Any:
        return self._client.ebike_registrations

    def _same_row(self, existing: Any, body: Mapping[str, Any]) -> bool:
        return _same_row(existing, body)

    async def create_batch(
        self,
        *,
        store_id: str,
        items: Sequence[Mapping[str, Any] | Any],
        **options: Unpack[RequestOptions],
    ) -> EbikeRegistrationBatch:
        """See :meth:`Bulk.create_batch`."""
        body = {"store_id": store_id, "items": _items(items)}
        result: EbikeRegistrationBatch = await self._request(
            "POST", self._batches, self._parse_batch, options, json_body=body
        )
        return result

    async def retrieve_batch(
        self, batch_id: str, **options: Unpack[RequestOptions]
    ) -> EbikeRegistrationBatch:
        """See :meth:`Bulk.retrieve_batch`."""
        result: EbikeRegistrationBatch = await self._request(
            "GET", f"{self._batches}/{segment(batch_id)}", self._parse_batch, options
        )
        return result

    def list_batch_items(
        self,
        batch_id: str,
        *,
        status: BatchItemStatus | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[BatchItem]:
        """See :meth:`Bulk.list_batch_items`: ``async for item in ...``."""
        params = page_params(status=status, limit=limit, cursor=cursor)
        paginator: AsyncPaginator[BatchItem] = self._page(
            f"{self._batches}/{segment(batch_id)}/items", BatchItem, params, options
        )
        return paginator

    async def _create_one(
        self,
        store_id: str,
        reference: str,
        item: Mapping[str, Any],
        idempotency_key: str,
        *,
        channel: str = "store_id",
    ) -> Created:
        """See :meth:`Bulk._create_one`."""
        body = _single_body(store_id, reference, item, channel)
        options: RequestOptions = {"idempotency_key": idempotency_key}
        try:
            created: Created = await self._request(
                "POST", self._singles, _created, options, json_body=body, raw=False
            )
        except ConflictError as error:
            existing_id = _recoverable(error)
            if existing_id is None:
                raise
            existing = await self._registrations().retrieve(existing_id)
            if not self._same_row(existing, body):
                raise
            created = Created(existing.id, existing.plate_number)
            logger.info("bulk: %s was this row's earlier create (%s)", existing_id, error.code)
        return created

    async def submit(
        self,
        rows: str | Path | Iterable[Any],
        *,
        store_id: str,
        concurrency: int = 4,
        journal: str | Path | None = None,
        mode: Mode = "batch",
        batch_size: int = 100,
        on: date | None = None,
        catalogue: Mapping[str, Mapping[str, Any]] | Literal["bureau"] | None = "bureau",
        config: RuleConfig | None = None,
        owner_duplicates: str = "error",
        progress: Callable[[BulkProgress], None] | None = None,
    ) -> BulkResult:
        """See :meth:`Bulk.submit`; the rows are read and journaled on the event loop's thread."""
        from ..bulk.drivers import run_async

        if catalogue == "bureau":
            catalogue = {
                m.product_model: m.model_dump(mode="json")
                async for m in self._client.catalogue.list(limit=100)
            }
        run = _prepare(
            rows, store_id=store_id, concurrency=concurrency, journal=journal, mode=mode,
            batch_size=batch_size, on=on, catalogue=catalogue, config=config,
            owner_duplicates=owner_duplicates, progress=progress,
        )  # fmt: skip
        try:
            await run_async(self._client, run)
            result: BulkResult = run.result()
        finally:
            run.stream.close()
            run.journal.close()
        return result
