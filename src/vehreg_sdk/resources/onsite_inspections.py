"""``client.onsite_inspections``: a fleet's on-site inspection (上门查验).

``create`` sends the fleet owner's request (the unit with its credit code, the
contact, the depot address, a time window and the VINs): ``requested``. The
vehicle office schedules it (``scheduled``) and inspects every vehicle at the depot,
with its safety test (安全技术检验): ``inspected``, a result per VIN. Those that
passed both are registered with ``onsite_inspection_id`` as their channel
(``client.vehicle_registrations.create`` or ``client.car_bulk.submit``).
``client.onsite_inspections.test_helpers`` plays the vehicle office in the sandbox.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Unpack

from pydantic import ValidationError

from .._errors import LocalValidationError
from .._pagination import AsyncPaginator, SyncCursorPage, page_params
from .._types import RequestOptions
from ..types._base import violations_from_pydantic
from ..types.onsite_inspections import (
    OnsiteInspection,
    OnsiteInspectionCreate,
    OnsiteInspectionStatus,
)
from ._base import (
    AsyncAPIResource,
    SyncAPIResource,
    model_parser,
    segment,
    to_raw,
    to_raw_async,
    to_raw_async_list,
)

if TYPE_CHECKING:
    from .._client import AsyncVehregClient, VehregClient

__all__ = [
    "AsyncOnsiteInspections",
    "AsyncOnsiteInspectionsTestHelpers",
    "AsyncOnsiteInspectionsWithRawResponse",
    "OnsiteInspections",
    "OnsiteInspectionsTestHelpers",
    "OnsiteInspectionsWithRawResponse",
]

PATH: Final = "/v1/onsite-inspections"
HELPERS: Final = "/v1/test-helpers/onsite-inspections"
_PARSE = model_parser(OnsiteInspection)
Part = Mapping[str, Any] | Any


def _create_body(
    owner: Part,
    contact: Part,
    depot_address: str,
    window: Part,
    vins: Sequence[str],
    client_reference: str | None,
) -> dict[str, Any]:
    """The checked request body; :class:`LocalValidationError` with nothing sent if it is bad."""
    fields: dict[str, Any] = {
        "owner": owner,
        "contact": contact,
        "depot_address": depot_address,
        "window": window,
        "vins": list(vins),
    }
    if client_reference is not None:
        fields["client_reference"] = client_reference
    try:
        request = OnsiteInspectionCreate.model_validate(fields)
    except ValidationError as exc:
        raise LocalValidationError(violations_from_pydantic(exc)) from None
    return request.model_dump(mode="json", exclude_none=True)


def _results(results: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {} if results is None else {"results": [dict(r) for r in results]}


def _scheduled(scheduled_at: datetime | str | None) -> dict[str, Any]:
    if scheduled_at is None:
        return {}
    text = scheduled_at.isoformat() if isinstance(scheduled_at, datetime) else scheduled_at
    return {"scheduled_at": text}


class OnsiteInspectionsTestHelpers(SyncAPIResource):
    """Sandbox only: the vehicle office schedules and inspects (docs/api/onsite-inspections.md)."""

    def schedule(
        self,
        inspection_id: str,
        *,
        scheduled_at: datetime | str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OnsiteInspection:
        """``requested`` → ``scheduled`` (default: the window's start)."""
        result: OnsiteInspection = self._request(
            "POST", f"{HELPERS}/{segment(inspection_id)}/schedule", _PARSE, options,
            json_body=_scheduled(scheduled_at),
        )  # fmt: skip
        return result

    def inspect(
        self,
        inspection_id: str,
        *,
        results: Sequence[Mapping[str, Any]] | None = None,
        **options: Unpack[RequestOptions],
    ) -> OnsiteInspection:
        """``scheduled`` → ``inspected``: ``results`` per VIN (``{"vin", "inspection",
        "safety_test", "remarks"}``, each ``passed``/``failed``); unnamed VINs pass."""
        result: OnsiteInspection = self._request(
            "POST", f"{HELPERS}/{segment(inspection_id)}/inspect", _PARSE, options,
            json_body=_results(results),
        )  # fmt: skip
        return result


class OnsiteInspections(SyncAPIResource):
    def create(
        self,
        *,
        owner: Part,
        contact: Part,
        depot_address: str,
        window: Part,
        vins: Sequence[str],
        client_reference: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OnsiteInspection:
        """Request an on-site inspection of a unit's fleet; returns it ``requested``.

        Checked locally first (the owner a unit with a valid credit code, VINs valid and
        not repeated, the window in order): :class:`~vehreg_sdk.LocalValidationError`
        with nothing sent. 422 ``certificate.not_found`` names each unknown VIN.
        """
        body = _create_body(owner, contact, depot_address, window, vins, client_reference)
        result: OnsiteInspection = self._request("POST", PATH, _PARSE, options, json_body=body)
        return result

    def retrieve(self, inspection_id: str, **options: Unpack[RequestOptions]) -> OnsiteInspection:
        result: OnsiteInspection = self._request(
            "GET", f"{PATH}/{segment(inspection_id)}", _PARSE, options
        )
        return result

    def list(
        self,
        *,
        status: OnsiteInspectionStatus | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncCursorPage[OnsiteInspection]:
        """The dealer's on-site inspections, newest first; iterating walks every page."""
        params = page_params(status=status, limit=limit, cursor=cursor)
        page: SyncCursorPage[OnsiteInspection] = self._page(PATH, OnsiteInspection, params, options)
        return page

    def cancel(
        self, inspection_id: str, *, reason: str | None = None, **options: Unpack[RequestOptions]
    ) -> OnsiteInspection:
        """Cancel before the inspection (409 ``onsite_inspection.invalid_state`` after)."""
        body = {} if reason is None else {"reason": reason}
        result: OnsiteInspection = self._request(
            "POST", f"{PATH}/{segment(inspection_id)}/cancel", _PARSE, options, json_body=body
        )
        return result

    @cached_property
    def test_helpers(self) -> OnsiteInspectionsTestHelpers:
        """Sandbox-only helpers (docs/api/onsite-inspections.md)."""
        client: VehregClient = self._client
        return OnsiteInspectionsTestHelpers(client, raw=self._raw)


class AsyncOnsiteInspectionsTestHelpers(AsyncAPIResource):
    """Sandbox only: see :class:`OnsiteInspectionsTestHelpers`."""

    async def schedule(
        self,
        inspection_id: str,
        *,
        scheduled_at: datetime | str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OnsiteInspection:
        result: OnsiteInspection = await self._request(
            "POST", f"{HELPERS}/{segment(inspection_id)}/schedule", _PARSE, options,
            json_body=_scheduled(scheduled_at),
        )  # fmt: skip
        return result

    async def inspect(
        self,
        inspection_id: str,
        *,
        results: Sequence[Mapping[str, Any]] | None = None,
        **options: Unpack[RequestOptions],
    ) -> OnsiteInspection:
        result: OnsiteInspection = await self._request(
            "POST", f"{HELPERS}/{segment(inspection_id)}/inspect", _PARSE, options,
            json_body=_results(results),
        )  # fmt: skip
        return result


class AsyncOnsiteInspections(AsyncAPIResource):
    async def create(
        self,
        *,
        owner: Part,
        contact: Part,
        depot_address: str,
        window: Part,
        vins: Sequence[str],
        client_reference: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OnsiteInspection:
        """See :meth:`OnsiteInspections.create`."""
        body = _create_body(owner, contact, depot_address, window, vins, client_reference)
        result: OnsiteInspection = await self._request(
            "POST", PATH, _PARSE, options, json_body=body
        )
        return result

    async def retrieve(
        self, inspection_id: str, **options: Unpack[RequestOptions]
    ) -> OnsiteInspection:
        result: OnsiteInspection = await self._request(
            "GET", f"{PATH}/{segment(inspection_id)}", _PARSE, options
        )
        return result

    def list(
        self,
        *,
        status: OnsiteInspectionStatus | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[OnsiteInspection]:
        params = page_params(status=status, limit=limit, cursor=cursor)
        paginator: AsyncPaginator[OnsiteInspection] = self._page(
            PATH, OnsiteInspection, params, options
        )
        return paginator

    async def cancel(
        self, inspection_id: str, *, reason: str | None = None, **options: Unpack[RequestOptions]
    ) -> OnsiteInspection:
        body = {} if reason is None else {"reason": reason}
        result: OnsiteInspection = await self._request(
            "POST", f"{PATH}/{segment(inspection_id)}/cancel", _PARSE, options, json_body=body
        )
        return result

    @cached_property
    def test_helpers(self) -> AsyncOnsiteInspectionsTestHelpers:
        client: AsyncVehregClient = self._client
        return AsyncOnsiteInspectionsTestHelpers(client, raw=self._raw)


class OnsiteInspectionsWithRawResponse:
    def __init__(self, resource: OnsiteInspections) -> None:
        self.create = to_raw(resource.create)
        self.retrieve = to_raw(resource.retrieve)
        self.list = to_raw(resource.list)
        self.cancel = to_raw(resource.cancel)


class AsyncOnsiteInspectionsWithRawResponse:
    def __init__(self, resource: AsyncOnsiteInspections) -> None:
        self.create = to_raw_async(resource.create)
        self.retrieve = to_raw_async(resource.retrieve)
        self.list = to_raw_async_list(resource.list)
        self.cancel = to_raw_async(resource.cancel)
