"""What every resource shares: the kernel call, model parsing, pages, raw-response views."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast
from urllib.parse import quote

import httpx

from .._pagination import (
    AsyncCursorPage,
    AsyncPaginator,
    NextParams,
    Params,
    SyncCursorPage,
    cursor_next,
    parse_items,
)
from .._response import APIResponse
from .._types import RequestOptions
from ..types._base import WireModel

if TYPE_CHECKING:
    from .._client import AsyncVehregClient, VehregClient

M = TypeVar("M", bound=WireModel)
P = ParamSpec("P")
R = TypeVar("R")

__all__ = ["AsyncAPIResource", "SyncAPIResource", "model_parser", "segment"]


def segment(value: str) -> str:
    """One path segment, percent-encoded (an id can never reach another path)."""
    return quote(str(value), safe="")


_PARSERS: dict[type[Any], Callable[[httpx.Response], Any]] = {}


def model_parser(model: type[M]) -> Callable[[httpx.Response], M]:
    """``response`` → ``model`` with ``request_id`` set from ``X-Request-Id``."""
    parser = _PARSERS.get(model)
    if parser is None:

        def parser(response: httpx.Response) -> M:
            obj = model.model_validate_json(response.content)
            obj._request_id = response.headers.get("x-request-id")
            return obj

        _PARSERS[model] = parser
    return parser


class SyncAPIResource:
    """Base of a sync resource; ``raw=True`` makes every method return an APIResponse."""

    def __init__(self, client: VehregClient, *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    def _request(
        self,
        method: str,
        path: str,
        parser: Callable[[httpx.Response], R],
        options: RequestOptions,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        files: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | None = None,
        raw: bool | None = None,
    ) -> Any:
        return self._client._kernel.request(
            method, path, parser, params=params, json_body=json_body, files=files, data=data,
            options=options, raw=self._raw if raw is None else raw,
        )  # fmt: skip

    def _page(
        self,
        path: str,
        model: type[M],
        params: Params,
        options: RequestOptions,
        next_params: NextParams = cursor_next,
    ) -> Any:
        kernel = self._client._kernel

        def fetch(page_params: Params, raw: bool = False) -> Any:
            def parse(response: httpx.Response) -> SyncCursorPage[M]:
                items, has_more, cursor, request_id = parse_items(model, response)
                return SyncCursorPage(
                    items, has_more, cursor, request_id, page_params, next_params, fetch
                )

            return kernel.request("GET", path, parse, params=page_params, options=options, raw=raw)

        return fetch(params, self._raw)


class AsyncAPIResource:
    """Base of an async resource; the twin of :class:`SyncAPIResource`."""

    def __init__(self, client: AsyncVehregClient, *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    async def _request(
        self,
        method: str,
        path: str,
        parser: Callable[[httpx.Response], R],
        options: RequestOptions,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        files: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | None = None,
        raw: bool | None = None,
    ) -> Any:
        return await self._client._kernel.request(
            method, path, parser, params=params, json_body=json_body, files=files, data=data,
            options=options, raw=self._raw if raw is None else raw,
        )  # fmt: skip

    def _page(
        self,
        path: str,
        model: type[M],
        params: Params,
        options: RequestOptions,
        next_params: NextParams = cursor_next,
    ) -> Any:
        """An :class:`AsyncPaginator` (or, in raw mode, an awaitable APIResponse of page 1)."""
        kernel = self._client._kernel

        async def fetch(page_params: Params, raw: bool = False) -> Any:
            def parse(response: httpx.Response) -> AsyncCursorPage[M]:
                items, has_more, cursor, request_id = parse_items(model, response)
                return AsyncCursorPage(
                    items, has_more, cursor, request_id, page_params, next_params, fetch
                )

            return await kernel.request(
                "GET", path, parse, params=page_params, options=options, raw=raw
            )

        if self._raw:
            return fetch(params, True)
        return AsyncPaginator(lambda: cast(Awaitable[AsyncCursorPage[M]], fetch(params)))


# --- typed views for ``with_raw_response``: the same call, an APIResponse instead of a model.


def to_raw(method: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """``method`` must be bound to a resource made with ``raw=True``."""
    return cast(Callable[P, APIResponse[R]], method)


def to_raw_async(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[APIResponse[R]]]:
    return cast(Callable[P, Awaitable[APIResponse[R]]], method)


def to_raw_async_list(
    method: Callable[P, AsyncPaginator[M]],
) -> Callable[P, Awaitable[APIResponse[AsyncCursorPage[M]]]]:
    return cast(Callable[P, Awaitable[APIResponse[AsyncCursorPage[M]]]], method)
