"""``client.keys``: the bureau's public keys (JWKS) that sign plate tokens.

Fetch them once and keep them: ``plates.verify_token(token, jwks)`` works offline.
"""

from __future__ import annotations

from typing import Any, Unpack

from .._types import RequestOptions
from ._base import AsyncAPIResource, SyncAPIResource, json_parser, to_raw, to_raw_async

__all__ = ["AsyncKeys", "Keys"]

PATH = "/v1/keys"


class Keys(SyncAPIResource):
    def retrieve(self, **options: Unpack[RequestOptions]) -> dict[str, Any]:
        """The JWKS document ``{"keys": [...]}``, as JSON."""
        result: dict[str, Any] = self._request("GET", PATH, json_parser, options)
        return result


class AsyncKeys(AsyncAPIResource):
    async def retrieve(self, **options: Unpack[RequestOptions]) -> dict[str, Any]:
        result: dict[str, Any] = await self._request("GET", PATH, json_parser, options)
        return result


class KeysWithRawResponse:
    def __init__(self, keys: Keys) -> None:
        self.retrieve = to_raw(keys.retrieve)


class AsyncKeysWithRawResponse:
    def __init__(self, keys: AsyncKeys) -> None:
        self.retrieve = to_raw_async(keys.retrieve)
