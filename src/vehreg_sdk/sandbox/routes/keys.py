"""``GET /v1/keys``: the bureau's Ed25519 public keys (JWKS) for offline plate-token checks."""

from __future__ import annotations

from ..endpoint import Call, Endpoint, Reply


def keys(call: Call) -> Reply:
    return Reply(200, call.bureau.jwks())


ENDPOINTS = [Endpoint("GET", "/v1/keys", keys, auth=False)]
