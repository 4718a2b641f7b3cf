"""``client.stores``: the calling dealer's outlets (门店)."""

from __future__ import annotations

from typing import Unpack

from .._pagination import AsyncPaginator, SyncCursorPage, page_params
from .._types import RequestOptions
from ..types.stores import Store
from ._base import AsyncAPIResource, SyncAPIResource, to_raw, to_raw_async_list

__all__ = ["AsyncStores", "Stores"]

PATH = "/v1/stores"


class Stores(SyncAPIResource):
    def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncCursorPage[Store]:
        """Every store of the dealer; iterate it to walk all pages."""
        params = page_params(limit=limit, cursor=cursor)
        page: SyncCursorPage[Store] = self._page(PATH, Store, params, options)
        return page


class AsyncStores(AsyncAPIResource):
    def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Store]:
        """Every store of the dealer: ``async for store in client.stores.list()``."""
        params = page_params(limit=limit, cursor=cursor)
        paginator: AsyncPaginator[Store] = self._page(PATH, Store, params, options)
        return paginator


class StoresWithRawResponse:
    def __init__(self, stores: Stores) -> None:
        self.list = to_raw(stores.list)


class AsyncStoresWithRawResponse:
    def __init__(self, stores: AsyncStores) -> None:
        self.list = to_raw_async_list(stores.list)
