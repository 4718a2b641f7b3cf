"""``client.car_bulk``: batches of car registrations and the resumable bulk runner for cars.

The e-bike :class:`~.bulk.Bulk` with the car paths: ``POST
/v1/vehicle-registration-batches`` (up to 500 items, answered 202, each item judged
as ``POST /v1/vehicle-registrations`` would judge it) and :meth:`CarBulk.submit`
(a .csv/.xlsx made with ``vehreg bulk template --kind car``, journaled, resumable,
never registering a row twice). A batch names one channel for all its items: the
``store_id`` of a registration station or the ``onsite_inspection_id`` of a
completed on-site inspection (a fleet: its plates follow each other with
``plate.source = "sequence"``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Unpack

from .._errors import LocalValidationError
from .._types import RequestOptions
from ..types.vehicle_registration_batches import VehicleRegistrationBatch
from ._base import model_parser, segment
from .bulk import AsyncBulk, Bulk, _items

if TYPE_CHECKING:
    from ..bulk.result import BulkResult
    from ..bulk.submitter import BulkProgress, Mode
    from ..rules.cars import CarRuleConfig

__all__ = ["AsyncCarBulk", "CarBulk"]

PATH: Final = "/v1/vehicle-registration-batches"
REGISTRATIONS: Final = "/v1/vehicle-registrations"
_PARSE = model_parser(VehicleRegistrationBatch)


def _channel(store_id: str | None, onsite_inspection_id: str | None) -> tuple[str, str]:
    """``("store_id", id)`` or ``("onsite_inspection_id", id)``; exactly one must be given."""
    from ..rules import Violation

    if (store_id is None) == (onsite_inspection_id is None):
        raise LocalValidationError(
            [
                Violation(
                    "channel.required",
                    "store_id",
                    "Name one channel: store_id or onsite_inspection_id.",
                    "请指定一种办理渠道：store_id 或 onsite_inspection_id。",
                )
            ]
        )
    if store_id is not None:
        return "store_id", store_id
    assert onsite_inspection_id is not None
    return "onsite_inspection_id", onsite_inspection_id


def _same_car(existing: Any, body: Mapping[str, Any]) -> bool:
    """An existing car registration is this row: same channel, VIN, invoice and reference."""

    def norm(value: Any) -> str:
        return str(value or "").strip().upper()

    return (
        existing.store_id == body.get("store_id")
        and existing.onsite_inspection_id == body.get("onsite_inspection_id")
        and norm(existing.vehicle.vin) == norm(body["vehicle"].get("vin"))
        and norm(existing.invoice.number) == norm(body["invoice"].get("number"))
        and existing.client_reference == body["client_reference"]
    )


def _prepare(
    rows: Any,
    *,
    channel: str,
    channel_id: str,
    concurrency: int,
    journal: str | Path | None,
    mode: Mode,
    batch_size: int,
    on: date | None,
    config: CarRuleConfig | None,
    progress: Callable[[BulkProgress], None] | None,
) -> Any:
    from ..bulk.car_parse import CarRowParser
    from ..bulk.inputs import open_rows
    from ..bulk.submitter import BulkOptions, Run, open_journal
    from ..rules._input import today_shanghai
    from ..rules.cars import DEFAULT_CAR_CONFIG

    options = BulkOptions(
        channel_id, concurrency, batch_size, mode, progress=progress, kind="car", channel=channel
    )
    parser = CarRowParser(
        on=on or today_shanghai(), channel=channel, config=config or DEFAULT_CAR_CONFIG
    )
    stream = open_rows(rows, parser)
    try:
        source = str(stream.info.path or "")
        return Run(stream, open_journal(journal, channel_id, source), options)
    except BaseException:
        stream.close()
        raise


class CarBulk(Bulk):
    _batches = PATH
    _singles = REGISTRATIONS
    _parse_batch = staticmethod(_PARSE)

    def _registrations(self) -> Any:
        return self._client.vehicle_registrations

    def _same_row(self, existing: Any, body: Mapping[str, Any]) -> bool:
        return _same_car(existing, body)

    def create_batch(  # type: ignore[override]
        self,
        *,
        items: Sequence[Mapping[str, Any] | Any],
        store_id: str | None = None,
        onsite_inspection_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> VehicleRegistrationBatch:
        """Queue up to 500 car registrations through one channel (answered 202, ``queued``).

        Each item is a ``POST /v1/vehicle-registrations`` body without the channel, with
        its ``client_reference`` (its durable idempotency key).
        """
        channel, channel_id = _channel(store_id, onsite_inspection_id)
        body = {channel: channel_id, "items": _items(items)}
        result: VehicleRegistrationBatch = self._request(
            "POST", PATH, _PARSE, options, json_body=body
        )
        return result

    def retrieve_batch(  # type: ignore[override]
        self, batch_id: str, **options: Unpack[RequestOptions]
    ) -> VehicleRegistrationBatch:
        """The batch's status and counts."""
        result: VehicleRegistrationBatch = self._request(
            "GET", f"{PATH}/{segment(batch_id)}", _PARSE, options
        )
        return result

    def submit(  # type: ignore[override]
        self,
        rows: str | Path | Iterable[Any],
        *,
        store_id: str | None = None,
        onsite_inspection_id: str | None = None,
        concurrency: int = 4,
        journal: str | Path | None = None,
        mode: Mode = "batch",
        batch_size: int = 100,
        on: date | None = None,
        config: CarRuleConfig | None = None,
        progress: Callable[[BulkProgress], None] | None = None,
    ) -> BulkResult:
        """Register every car row through one channel; see :meth:`Bulk.submit` for the rest.

        ``rows``: a sheet made from ``vehreg bulk template --kind car`` (or flat
        mappings keyed like it, or wire items). Rows are judged offline by
        :func:`vehreg_sdk.rules.check_car_registration` with the channel set, so a key
        vehicle on the station channel, or without its supervision columns on site, is
        reported and not sent. Rerun with the same ``journal`` to resume.
        """
        from ..bulk.drivers import run_sync

        channel, channel_id = _channel(store_id, onsite_inspection_id)
        run = _prepare(
            rows, channel=channel, channel_id=channel_id, concurrency=concurrency,
            journal=journal, mode=mode, batch_size=batch_size, on=on, config=config,
            progress=progress,
        )  # fmt: skip
        try:
            run_sync(self._client, run)
            result: BulkResult = run.result()
        finally:
            run.stream.close()
            run.journal.close()
        return result


class AsyncCarBulk(AsyncBulk):
    _batches = PATH
    _singles = REGISTRATIONS
    _parse_batch = staticmethod(_PARSE)

    def _registrations(self) -> Any:
        return self._client.vehicle_registrations

    def _same_row(self, existing: Any, body: Mapping[str, Any]) -> bool:
        return _same_car(existing, body)

    async def create_batch(  # type: ignore[override]
        self,
        *,
        items: Sequence[Mapping[str, Any] | Any],
        store_id: str | None = None,
        onsite_inspection_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> VehicleRegistrationBatch:
        """See :meth:`CarBulk.create_batch`."""
        channel, channel_id = _channel(store_id, onsite_inspection_id)
        body = {channel: channel_id, "items": _items(items)}
        result: VehicleRegistrationBatch = await self._request(
            "POST", PATH, _PARSE, options, json_body=body
        )
        return result

    async def retrieve_batch(  # type: ignore[override]
        self, batch_id: str, **options: Unpack[RequestOptions]
    ) -> VehicleRegistrationBatch:
        """See :meth:`CarBulk.retrieve_batch`."""
        result: VehicleRegistrationBatch = await self._request(
            "GET", f"{PATH}/{segment(batch_id)}", _PARSE, options
        )
        return result

    async def submit(  # type: ignore[override]
        self,
        rows: str | Path | Iterable[Any],
        *,
        store_id: str | None = None,
        onsite_inspection_id: str | None = None,
        concurrency: int = 4,
        journal: str | Path | None = None,
        mode: Mode = "batch",
        batch_size: int = 100,
        on: date | None = None,
        config: CarRuleConfig | None = None,
        progress: Callable[[BulkProgress], None] | None = None,
    ) -> BulkResult:
        """See :meth:`CarBulk.submit`."""
        from ..bulk.drivers import run_async

        channel, channel_id = _channel(store_id, onsite_inspection_id)
        run = _prepare(
            rows, channel=channel, channel_id=channel_id, concurrency=concurrency,
            journal=journal, mode=mode, batch_size=batch_size, on=on, config=config,
            progress=progress,
        )  # fmt: skip
        try:
            await run_async(self._client, run)
            result: BulkResult = run.result()
        finally:
            run.stream.close()
            run.journal.close()
        return result
