"""``client.temporary_plates``: temporary plates (临时行驶车号牌) for a buyer or a dealer's car.

``create`` checks the request with :func:`vehreg_sdk.rules.check_temporary_plate_request`
(the bureau runs the same function, adding the vehicle's earlier plates) and refuses with
:class:`~vehreg_sdk.LocalValidationError` before sending; the plate comes back
``requested``, and ``wait()`` sees it ``issued``. The request's business key is
(``vin``, ``situation``, ``valid_from``): sending it again, under any idempotency key, returns
the same plate and never uses up one of the vehicle's allowed issues.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any, Final, Unpack

from pydantic import ValidationError

from .._errors import LocalValidationError, WaitTimeoutError
from .._pagination import AsyncPaginator, SyncCursorPage, page_params
from .._types import PollOptions, RequestOptions
from ..rules._input import today_shanghai
from ..types._base import violations_from_pydantic
from ..types.temporary_plates import TemporaryPlate, TemporaryPlateCreate
from ._base import (
    AsyncAPIResource,
    SyncAPIResource,
    model_parser,
    segment,
    to_raw,
    to_raw_async,
    to_raw_async_list,
)

__all__ = [
    "AsyncTemporaryPlates",
    "AsyncTemporaryPlatesWithRawResponse",
    "TemporaryPlates",
    "TemporaryPlatesWithRawResponse",
]

PATH: Final = "/v1/temporary-plates"
_PARSE = model_parser(TemporaryPlate)
Part = Mapping[str, Any] | Any
#: ``wait()`` returns once the plate is in one of these.
DEFAULT_WAIT_UNTIL = frozenset({"issued", "voided", "expired"})


def build_request(fields: Mapping[str, Any], *, on: date | None = None) -> TemporaryPlateCreate:
    """The validated request; :class:`LocalValidationError` (no network) naming every problem."""
    from .. import rules

    day = on or today_shanghai()
    raw = {
        name: value.model_dump() if hasattr(value, "model_dump") else value
        for name, value in fields.items()
    }
    found = rules.errors_only(rules.check_temporary_plate_request(raw, on=day))
    try:
        request = TemporaryPlateCreate.model_validate(raw)
    except ValidationError as exc:
        # The rules' codes are the contract; pydantic's fill in for fields no rule spoke of.
        spoken, codes = {item.field for item in found}, {item.code for item in found}
        model_errors = [
            item
            for item in violations_from_pydantic(exc)
            if item.field not in spoken and item.code not in codes
        ]
        raise LocalValidationError([*model_errors, *found]) from None
    if found:
        raise LocalValidationError(found)
    return request


def _fields(
    store_id: str,
    situation: str,
    vin: str,
    owner: Part,
    insurance: Part,
    valid_from: date | str,
    valid_to: date | str,
    uploads: Sequence[str],
    client_reference: str | None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "store_id": store_id,
        "situation": situation,
        "vin": vin,
        "owner": owner,
        "insurance": insurance,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "uploads": list(uploads),
    }
    if client_reference is not None:
        fields["client_reference"] = client_reference
    return fields


def _status(plate: TemporaryPlate) -> str:
    return str(getattr(plate.status, "value", plate.status))


class TemporaryPlates(SyncAPIResource):
    def create(
        self,
        *,
        store_id: str,
        situation: str,
        vin: str,
        owner: Part,
        insurance: Part,
        valid_from: date | str,
        valid_to: date | str,
        uploads: Sequence[str] = (),
        client_reference: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> TemporaryPlate:
        """Request a temporary plate; ``valid_to`` is inclusive (Asia/Shanghai dates).

        Raises :class:`~vehreg_sdk.LocalValidationError` (no request sent) when the rules
        refuse it; the bureau answers 422 ``temporary_plate.limit_reached`` when the vehicle
        has had its allowed issues.
        """
        request = build_request(
            _fields(store_id, situation, vin, owner, insurance, valid_from, valid_to, uploads,
                    client_reference)
        )  # fmt: skip
        result: TemporaryPlate = self._request(
            "POST", PATH, _PARSE, options, json_body=request.model_dump(mode="json")
        )
        return result

    def retrieve(
        self, temporary_plate_id: str, **options: Unpack[RequestOptions]
    ) -> TemporaryPlate:
        result: TemporaryPlate = self._request(
            "GET", f"{PATH}/{segment(temporary_plate_id)}", _PARSE, options
        )
        return result

    def list(
        self,
        *,
        vin: str | None = None,
        status: str | None = None,
        situation: str | None = None,
        store_id: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncCursorPage[TemporaryPlate]:
        params = page_params(
            vin=vin, status=status, situation=situation, store_id=store_id, limit=limit,
            cursor=cursor,
        )  # fmt: skip
        page: SyncCursorPage[TemporaryPlate] = self._page(PATH, TemporaryPlate, params, options)
        return page

    def wait(
        self,
        temporary_plate_id: str,
        *,
        until: Collection[str] = DEFAULT_WAIT_UNTIL,
        timeout: float = 60.0,
        interval: float = 1.0,
        **options: Unpack[PollOptions],
    ) -> TemporaryPlate:
        """Poll until the plate's status is in ``until`` (default: issued or final)."""
        deadline = time.monotonic() + timeout
        while True:
            plate = self.retrieve(temporary_plate_id, **options)
            if _status(plate) in until:
                return plate
            if time.monotonic() >= deadline:
                raise WaitTimeoutError(temporary_plate_id, _status(plate), timeout, plate)
            time.sleep(interval)


class AsyncTemporaryPlates(AsyncAPIResource):
    async def create(
        self,
        *,
        store_id: str,
        situation: str,
        vin: str,
        owner: Part,
        insurance: Part,
        valid_from: date | str,
        valid_to: date | str,
        uploads: Sequence[str] = (),
        client_reference: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> TemporaryPlate:
        request = build_request(
            _fields(store_id, situation, vin, owner, insurance, valid_from, valid_to, uploads,
                    client_reference)
        )  # fmt: skip
        result: TemporaryPlate = await self._request(
            "POST", PATH, _PARSE, options, json_body=request.model_dump(mode="json")
        )
        return result

    async def retrieve(
        self, temporary_plate_id: str, **options: Unpack[RequestOptions]
    ) -> TemporaryPlate:
        result: TemporaryPlate = await self._request(
            "GET", f"{PATH}/{segment(temporary_plate_id)}", _PARSE, options
        )
        return result

    def list(
        self,
        *,
        vin: str | None = None,
        status: str | None = None,
        situation: str | None = None,
        store_id: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[TemporaryPlate]:
        params = page_params(
            vin=vin, status=status, situation=situation, store_id=store_id, limit=limit,
            cursor=cursor,
        )  # fmt: skip
        paginator: AsyncPaginator[TemporaryPlate] = self._page(
            PATH, TemporaryPlate, params, options
        )
        return paginator

    async def wait(
        self,
        temporary_plate_id: str,
        *,
        until: Collection[str] = DEFAULT_WAIT_UNTIL,
        timeout: float = 60.0,  # noqa: ASYNC109 - the whole wait's budget, not one request's
        interval: float = 1.0,
        **options: Unpack[PollOptions],
    ) -> TemporaryPlate:
        import anyio

        deadline = time.monotonic() + timeout
        while True:
            plate = await self.retrieve(temporary_plate_id, **options)
            if _status(plate) in until:
                return plate
            if time.monotonic() >= deadline:
                raise WaitTimeoutError(temporary_plate_id, _status(plate), timeout, plate)
            await anyio.sleep(interval)


class TemporaryPlatesWithRawResponse:
    def __init__(self, resource: TemporaryPlates) -> None:
        self.create = to_raw(resource.create)
        self.retrieve = to_raw(resource.retrieve)
        self.list = to_raw(resource.list)


class AsyncTemporaryPlatesWithRawResponse:
    def __init__(self, resource: AsyncTemporaryPlates) -> None:
        self.create = to_raw_async(resource.create)
        self.retrieve = to_raw_async(resource.retrieve)
        self.list = to_raw_async_list(resource.list)
