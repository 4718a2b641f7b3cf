"""Cursor pages and auto-paging iteration, sync and async.

``for item in client.x.list()`` walks every page, fetching the next one only when the
current one is used up. ``page.data`` / ``page.has_more`` / ``page.get_next_page()`` /
``page.iter_pages()`` give page-at-a-time control. On the async client ``list()``
returns an :class:`AsyncPaginator`: ``async for`` over it walks every item, ``await`` it
for the first page.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    import httpx

    from .types._base import WireModel

__all__ = ["AsyncCursorPage", "AsyncPaginator", "SyncCursorPage", "after_next", "cursor_next"]

M = TypeVar("M", bound="WireModel")

Params = dict[str, Any]
#: (params of this page, next_cursor, items) -> params of the next page, or None at the end
NextParams = Callable[[Params, "str | None", "list[Any]"], "Params | None"]


def cursor_next(params: Params, next_cursor: str | None, items: list[Any]) -> Params | None:
    """The contract's lists: ``?cursor=<next_cursor>``."""
    return {**params, "cursor": next_cursor} if next_cursor else None


def after_next(params: Params, next_cursor: str | None, items: list[Any]) -> Params | None:
    """Events: ``?after=<last event id>`` (the bureau's ``next_cursor`` if it sends one)."""
    after = next_cursor or (items[-1].id if items else None)
    if not after:
        return None
    out = {k: v for k, v in params.items() if k != "cursor"}
    out["after"] = after
    return out


def parse_items(
    model: type[M], response: httpx.Response
) -> tuple[list[M], bool, str | None, str | None]:
    """``(items, has_more, next_cursor, request_id)`` of a list envelope."""
    envelope = json.loads(response.content)
    request_id = response.headers.get("x-request-id")
    items = [model.model_validate(item) for item in envelope.get("data") or []]
    for item in items:
        item._request_id = request_id
    return items, bool(envelope.get("has_more")), envelope.get("next_cursor"), request_id


class _PageBase(Generic[M]):
    data: list[M]
    has_more: bool
    next_cursor: str | None
    request_id: str | None

    def __init__(
        self,
        data: list[M],
        has_more: bool,
        next_cursor: str | None,
        request_id: str | None,
        params: Params,
        next_params: NextParams,
        fetch: Callable[[Params], Any],
    ) -> None:
        self.data = data
        self.has_more = has_more
        self.next_cursor = next_cursor
        self.request_id = request_id
        self._params = params
        self._next_params = next_params
        #: fetches the page of the given params (an awaitable on the async client)
        self._fetch = fetch

    def next_page_params(self) -> Params | None:
        """Query parameters of the next page, or None when this is the last one."""
        if not self.has_more or not self.data:
            return None
        return self._next_params(self._params, self.next_cursor, self.data)

    def has_next_page(self) -> bool:
        return self.next_page_params() is not None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(items={len(self.data)}, has_more={self.has_more}, "
            f"request_id={self.request_id!r})"
        )


class SyncCursorPage(_PageBase[M]):
    """One page of a list; iterating it walks this page and every following one."""

    _fetch: Callable[[Params], SyncCursorPage[M]]

    def get_next_page(self) -> SyncCursorPage[M]:
        params = self.next_page_params()
        if params is None:
            raise StopIteration("no next page / 没有下一页")
        return self._fetch(params)

    def iter_pages(self) -> Iterator[SyncCursorPage[M]]:
        page: SyncCursorPage[M] = self
        while True:
            yield page
            params = page.next_page_params()
            if params is None:
                return
            page = page._fetch(params)

    def __iter__(self) -> Iterator[M]:
        for page in self.iter_pages():
            yield from page.data


class AsyncCursorPage(_PageBase[M]):
    """One page of a list on the async client; ``async for`` walks every following page too."""

    _fetch: Callable[[Params], Awaitable[AsyncCursorPage[M]]]

    async def get_next_page(self) -> AsyncCursorPage[M]:
        params = self.next_page_params()
        if params is None:
            raise StopAsyncIteration("no next page / 没有下一页")
        return await self._fetch(params)

    async def iter_pages(self) -> AsyncIterator[AsyncCursorPage[M]]:
        page: AsyncCursorPage[M] = self
        while True:
            yield page
            params = page.next_page_params()
            if params is None:
                return
            page = await page._fetch(params)

    async def __aiter__(self) -> AsyncIterator[M]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPaginator(Generic[M]):
    """What async ``list()`` returns: ``await`` it for the first page, or ``async for`` it."""

    def __init__(self, first_page: Callable[[], Awaitable[AsyncCursorPage[M]]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, AsyncCursorPage[M]]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[M]:
        page = await self._first_page()
        async for item in page:
            yield item


def page_params(**params: Any) -> Params:
    """Drop the parameters left at None."""
    return {k: v for k, v in params.items() if v is not None}
