"""What ``client.with_raw_response.<resource>.<method>(...)`` returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")

__all__ = ["APIResponse"]


class APIResponse(Generic[T]):
    """The HTTP response of a call, before (or without) parsing it into a model.

    ``parse()`` returns exactly what the plain method would have returned.
    """

    __slots__ = ("_parsed", "_parser", "http_response", "retries_taken")

    def __init__(
        self,
        http_response: httpx.Response,
        parser: Callable[[httpx.Response], T],
        retries_taken: int,
    ) -> None:
        self.http_response = http_response
        self.retries_taken = retries_taken
        self._parser = parser
        self._parsed: list[T] = []

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """``X-Request-Id``: quote it when asking the bureau's support."""
        value: str | None = self.http_response.headers.get("x-request-id")
        return value

    @property
    def idempotent_replayed(self) -> bool:
        """True when the bureau answered a retried POST from its idempotency record."""
        value = str(self.http_response.headers.get("idempotent-replayed", ""))
        return value.lower() == "true"

    @property
    def content(self) -> bytes:
        return self.http_response.content

    def json(self) -> Any:
        return self.http_response.json()

    def parse(self) -> T:
        """The typed object (parsed once and cached)."""
        if not self._parsed:
            self._parsed.append(self._parser(self.http_response))
        return self._parsed[0]

    def __repr__(self) -> str:
        request = self.http_response.request
        return (
            f"<APIResponse [{self.status_code}] {request.method} {request.url.path} "
            f"request_id={self.request_id!r}>"
        )
