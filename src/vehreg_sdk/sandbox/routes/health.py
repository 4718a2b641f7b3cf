"""``GET /v1/health``: liveness, without authentication."""

from __future__ import annotations

from ... import __version__
from ..clock import rfc3339
from ..endpoint import Call, Endpoint, Reply


def health(call: Call) -> Reply:
    """The bureau is up; its clock, so a client can spot clock skew before signing."""
    return Reply(
        200,
        {"object": "health", "status": "ok", "time": rfc3339(call.now), "version": __version__},
    )


ENDPOINTS = [Endpoint("GET", "/v1/health", health, auth=False)]
