"""``client.catalogue``: the e-bike product catalogue (新国标目录) with CCC data."""

from __future__ import annotations

from typing import Unpack

from .._pagination import AsyncPaginator, SyncCursorPage, page_params
from .._types import RequestOptions
from ..types.catalogue import EbikeModel
from ._base import (
    AsyncAPIResource,
    SyncAPIResource,
    model_parser,
    to_raw,
    to_raw_async,
    to_raw_async_list,
)

__all__ = ["AsyncCatalogue", "Catalogue"]

PATH = "/v1/catalogue/ebikes"
_PARSE = model_parser(EbikeModel)


class Catalogue(SyncAPIResource):
    def list(
        self,
        *,
        q: str | None = None,
        brand: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncCursorPage[EbikeModel]:
        """Catalogue entries matching ``q`` (free text) and ``brand``; iterate for all pages."""
        params = page_params(q=q, brand=brand, limit=limit, cursor=cursor)
        page: SyncCursorPage[EbikeModel] = self._page(PATH, EbikeModel, params, options)
        return page

    def retrieve(self, product_model: str, **options: Unpack[RequestOptions]) -> EbikeModel:
        """One product model (产品型号); :class:`~vehreg_sdk.NotFoundError` if unknown."""
        result: EbikeModel = self._retrieve(PATH, product_model, _PARSE, options)
        return result


class AsyncCatalogue(AsyncAPIResource):
    def list(
        self,
        *,
        q: str | None = None,
        brand: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[EbikeModel]:
        params = page_params(q=q, brand=brand, limit=limit, cursor=cursor)
        paginator: AsyncPaginator[EbikeModel] = self._page(PATH, EbikeModel, params, options)
        return paginator

    async def retrieve(self, product_model: str, **options: Unpack[RequestOptions]) -> EbikeModel:
        result: EbikeModel = await self._retrieve(PATH, product_model, _PARSE, options)
        return result


class CatalogueWithRawResponse:
    def __init__(self, catalogue: Catalogue) -> None:
        self.list = to_raw(catalogue.list)
        self.retrieve = to_raw(catalogue.retrieve)


class AsyncCatalogueWithRawResponse:
    def __init__(self, catalogue: AsyncCatalogue) -> None:
        self.list = to_raw_async_list(catalogue.list)
        self.retrieve = to_raw_async(catalogue.retrieve)
