"""``client.plate_selections``: choosing a car's plate number (选号).

``create(vin=, plate_kind=)`` draws candidates; ``choose(id, number=)`` reserves one
(for 10 minutes in the sandbox); ``create(..., method="self_composed", number=)``
reserves a number of your own. The registration that names the selection confirms it.
"""

from __future__ import annotations

from typing import Any, Final, Literal, Unpack

from .._pagination import AsyncPaginator, SyncCursorPage, page_params
from .._types import RequestOptions
from ..types.plate_selections import PlateSelection
from ._base import (
    AsyncAPIResource,
    SyncAPIResource,
    model_parser,
    to_raw,
    to_raw_async,
    to_raw_async_list,
)

__all__ = [
    "AsyncPlateSelections",
    "AsyncPlateSelectionsWithRawResponse",
    "PlateSelections",
    "PlateSelectionsWithRawResponse",
]

PATH: Final = "/v1/plate-selections"
_PARSE = model_parser(PlateSelection)
PlateKindCode = Literal["01", "02", "51", "52"]


def _body(vin: str, plate_kind: str, number: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"vin": vin.strip().upper(), "plate_kind": plate_kind}
    if number is not None:
        body.update(method="self_composed", number=number.strip().upper())
    return body


class PlateSelections(SyncAPIResource):
    def create(
        self,
        *,
        vin: str,
        plate_kind: PlateKindCode | str,
        number: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> PlateSelection:
        """A draw of candidates (``open``), or with ``number`` a self-composed number,
        reserved at once (``reserved``); 409 ``plate_number.taken`` if someone holds it."""
        result: PlateSelection = self._request(
            "POST", PATH, _PARSE, options, json_body=_body(vin, plate_kind, number)
        )
        return result

    def choose(
        self, selection_id: str, *, number: str, **options: Unpack[RequestOptions]
    ) -> PlateSelection:
        """Reserve one of the drawn candidates until ``reserved_until``."""
        result: PlateSelection = self._action(
            PATH, selection_id, "choose", _PARSE, options, json_body={"number": number}
        )
        return result

    def retrieve(self, selection_id: str, **options: Unpack[RequestOptions]) -> PlateSelection:
        result: PlateSelection = self._retrieve(PATH, selection_id, _PARSE, options)
        return result

    def list(
        self,
        *,
        vin: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncCursorPage[PlateSelection]:
        params = page_params(vin=vin, limit=limit, cursor=cursor)
        page: SyncCursorPage[PlateSelection] = self._page(PATH, PlateSelection, params, options)
        return page


class AsyncPlateSelections(AsyncAPIResource):
    async def create(
        self,
        *,
        vin: str,
        plate_kind: PlateKindCode | str,
        number: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> PlateSelection:
        result: PlateSelection = await self._request(
            "POST", PATH, _PARSE, options, json_body=_body(vin, plate_kind, number)
        )
        return result

    async def choose(
        self, selection_id: str, *, number: str, **options: Unpack[RequestOptions]
    ) -> PlateSelection:
        result: PlateSelection = await self._action(
            PATH, selection_id, "choose", _PARSE, options, json_body={"number": number}
        )
        return result

    async def retrieve(
        self, selection_id: str, **options: Unpack[RequestOptions]
    ) -> PlateSelection:
        result: PlateSelection = await self._retrieve(PATH, selection_id, _PARSE, options)
        return result

    def list(
        self,
        *,
        vin: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[PlateSelection]:
        params = page_params(vin=vin, limit=limit, cursor=cursor)
        paginator: AsyncPaginator[PlateSelection] = self._page(
            PATH, PlateSelection, params, options
        )
        return paginator


class PlateSelectionsWithRawResponse:
    def __init__(self, resource: PlateSelections) -> None:
        self.create = to_raw(resource.create)
        self.choose = to_raw(resource.choose)
        self.retrieve = to_raw(resource.retrieve)
        self.list = to_raw(resource.list)


class AsyncPlateSelectionsWithRawResponse:
    def __init__(self, resource: AsyncPlateSelections) -> None:
        self.create = to_raw_async(resource.create)
        self.choose = to_raw_async(resource.choose)
        self.retrieve = to_raw_async(resource.retrieve)
        self.list = to_raw_async_list(resource.list)
