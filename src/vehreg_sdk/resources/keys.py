"""``client.keys``: the bureau's public keys (JWKS) that sign plate tokens.

Fetch them once and keep them: ``plates.verify_token(token, jwks)`` works offline, and
``plates.save_jwks(path, jwks)`` keeps a copy on disk.
"""

from __future__ import annotations

from typing import Unpack

from .._types import RequestOptions
from ..types.keys import Jwks
from ._base import AsyncAPIResource, SyncAPIResource, model_parser, to_raw, to_raw_async

__all__ = ["AsyncKeys", "Keys"]

PATH = "/v1/keys"
_PARSE = model_parser(Jwks)


class Keys(SyncAPIResource):
    def retrieve(self, **options: Unpack[RequestOptions]) -> Jwks:
        """The bureau's key set (:class:`~vehreg_sdk.types.Jwks`, with ``request_id``)."""
        result: Jwks = self._request("GET", PATH, _PARSE, options)
        return result


class AsyncKeys(AsyncAPIResource):
    async def retrieve(self, **options: Unpack[RequestOptions]) -> Jwks:
        """See :meth:`Keys.retrieve`."""
        result: Jwks = await self._request("GET", PATH, _PARSE, options)
        return result


class KeysWithRawResponse:
    def __init__(self, keys: Keys) -> None:
        self.retrieve = to_raw(keys.retrieve)


class AsyncKeysWithRawResponse:
    def __init__(self, keys: AsyncKeys) -> None:
        self.retrieve = to_raw_async(keys.retrieve)
