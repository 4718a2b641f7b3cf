"""What every resource shares: the kernel call, model parsing, pages, raw-response views."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast
from urllib.parse import quote

import httpx

from .._errors import WaitTimeoutError
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

__all__ = [
    "AsyncAPIResource",
    "SyncAPIResource",
    "WaitPlan",
    "model_parser",
    "read_options",
    "segment",
    "status_of",
]


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


def status_of(obj: Any) -> str:
    """A model's ``status`` as its wire string (an enum member or a plain ``str``)."""
    return str(getattr(obj.status, "value", obj.status))


def read_options(options: RequestOptions) -> RequestOptions:
    """The options of a create call that make sense for its follow-up GET."""
    out: RequestOptions = {}
    if "timeout" in options:
        out["timeout"] = options["timeout"]
    if "extra_headers" in options:
        out["extra_headers"] = options["extra_headers"]
    return out


@dataclass(frozen=True, slots=True)
class WaitPlan:
    """How ``wait()`` polls one object: the statuses that end it, the gaps, the whole budget."""

    resource_id: str
    wanted: frozenset[str]
    timeout: float
    interval: float
    ceiling: float
    growth: float = 1.0

    @classmethod
    def backoff(
        cls,
        resource_id: str,
        until: Collection[Any],
        timeout: float,
        poll_interval: float,
        max_poll_interval: float,
    ) -> WaitPlan:
        """Gaps from ``poll_interval`` growing by half each poll up to ``max_poll_interval``."""
        return cls(
            resource_id, _wire_set(until), timeout, max(poll_interval, 0.01),
            max(max_poll_interval, poll_interval), growth=1.5,
        )  # fmt: skip

    @classmethod
    def steady(
        cls, resource_id: str, until: Collection[Any], timeout: float, interval: float
    ) -> WaitPlan:
        """The same gap between every poll."""
        return cls(resource_id, _wire_set(until), timeout, interval, interval)

    def timed_out(self, current: Any) -> WaitTimeoutError:
        return WaitTimeoutError(self.resource_id, status_of(current), self.timeout, current)


def _wire_set(statuses: Collection[Any]) -> frozenset[str]:
    return frozenset(str(getattr(s, "value", s)) for s in statuses)


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

    def _retrieve(
        self,
        path: str,
        resource_id: str,
        parser: Callable[[httpx.Response], R],
        options: RequestOptions,
    ) -> Any:
        """``GET {path}/{resource_id}``."""
        return self._request("GET", f"{path}/{segment(resource_id)}", parser, options)

    def _action(
        self,
        path: str,
        resource_id: str,
        action: str,
        parser: Callable[[httpx.Response], R],
        options: RequestOptions,
        **body: Any,
    ) -> Any:
        """``POST {path}/{resource_id}/{action}`` (``json_body=`` or ``files=``/``data=``)."""
        return self._request(
            "POST", f"{path}/{segment(resource_id)}/{action}", parser, options, **body
        )

    def _wait(self, plan: WaitPlan, retrieve: Callable[[], R]) -> R:
        """Poll ``retrieve`` until its status is wanted; WaitTimeoutError past the budget."""
        deadline = time.monotonic() + plan.timeout
        interval = plan.interval
        while True:
            current = retrieve()
            if status_of(current) in plan.wanted:
                return current
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise plan.timed_out(current)
            self._client._kernel.sleep(min(interval, remaining))
            interval = min(interval * plan.growth, plan.ceiling)

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

    async def _retrieve(
        self,
        path: str,
        resource_id: str,
        parser: Callable[[httpx.Response], R],
        options: RequestOptions,
    ) -> Any:
        """``GET {path}/{resource_id}``."""
        return await self._request("GET", f"{path}/{segment(resource_id)}", parser, options)

    async def _action(
        self,
        path: str,
        resource_id: str,
        action: str,
        parser: Callable[[httpx.Response], R],
        options: RequestOptions,
        **body: Any,
    ) -> Any:
        """``POST {path}/{resource_id}/{action}`` (``json_body=`` or ``files=``/``data=``)."""
        return await self._request(
            "POST", f"{path}/{segment(resource_id)}/{action}", parser, options, **body
        )

    async def _wait(self, plan: WaitPlan, retrieve: Callable[[], Awaitable[R]]) -> R:
        """See :meth:`SyncAPIResource._wait`."""
        deadline = time.monotonic() + plan.timeout
        interval = plan.interval
        while True:
            current = await retrieve()
            if status_of(current) in plan.wanted:
                return current
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise plan.timed_out(current)
            await self._client._kernel.sleep(min(interval, remaining))
            interval = min(interval * plan.growth, plan.ceiling)

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
