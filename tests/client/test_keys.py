"""``client.keys.retrieve()``: a ``Jwks`` model with ``request_id``, sync and async."""

from __future__ import annotations

from typing import Any

import respx

from vehreg_sdk import AsyncVehregClient, VehregClient
from vehreg_sdk.types import Jwks

from .conftest import BASE_URL

KEY = {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": "k1", "x": "AAAA"}
DOCUMENT: dict[str, Any] = {"keys": [KEY], "future_field": 1}


@respx.mock(base_url=BASE_URL)
def test_retrieve_returns_a_model_with_request_id(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    respx_mock.get("/v1/keys").respond(200, json=DOCUMENT, headers={"X-Request-Id": "req_k1"})
    jwks = client.keys.retrieve()
    assert isinstance(jwks, Jwks)
    assert jwks.request_id == "req_k1"
    assert jwks.keys == [KEY]
    assert jwks.kids == ["k1"]
    assert jwks.model_dump(mode="json") == DOCUMENT  # unknown fields are kept
    raw = client.with_raw_response.keys.retrieve()
    assert raw.request_id == "req_k1"
    assert raw.parse().keys == [KEY]


@respx.mock(base_url=BASE_URL)
async def test_async_retrieve_returns_a_model_with_request_id(
    respx_mock: respx.MockRouter, aclient: AsyncVehregClient
) -> None:
    respx_mock.get("/v1/keys").respond(200, json=DOCUMENT, headers={"X-Request-Id": "req_k2"})
    jwks = await aclient.keys.retrieve()
    assert isinstance(jwks, Jwks)
    assert jwks.request_id == "req_k2"
    assert jwks.kids == ["k1"]
    raw = await aclient.with_raw_response.keys.retrieve()
    assert raw.request_id == "req_k2"
    assert raw.parse().request_id == "req_k2"
