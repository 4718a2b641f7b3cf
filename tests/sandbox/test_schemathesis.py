"""Property-based run of the committed spec against a live loopback sandbox (schemathesis).

Every generated request is signed; every answer must not be a 5xx and must
conform to the spec (status code, content type, headers, body schema).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from vehreg_sdk import _signing
from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer

SPEC = Path(__file__).parents[2] / "docs" / "api" / "openapi.yaml"
schema = schemathesis.openapi.from_path(SPEC)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


class SigningAuth(requests.auth.AuthBase):
    """Signs the prepared request exactly as it goes on the wire."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        dealer = DEMO_DEALERS[0]
        path, _, query = (request.path_url or "/").partition("?")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        request.headers.update(
            _signing.signature_headers(
                app_key=dealer.app_key,
                secret=dealer.app_secret,
                method=request.method or "GET",
                path=path,
                query=query,
                body=body,
                timestamp=int(time.time()),
                version="1.1",
                idempotency_key=request.headers.get("Idempotency-Key"),
                content_type=request.headers.get("Content-Type"),
            )
        )
        return request


@pytest.fixture(scope="module")
def live(module_sandbox_db: Path | str) -> Iterator[dict[str, Any]]:
    with (
        SandboxServer(module_sandbox_db) as server,
        requests.Session() as session,
    ):
        yield {"base_url": server.base_url, "session": session}


@schema.parametrize()
@settings(
    max_examples=10,  # bounded: the coverage phase adds its boundary cases on top
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_sandbox_honours_its_contract(case: schemathesis.Case, live: dict[str, Any]) -> None:
    response = case.call(
        base_url=live["base_url"], session=live["session"], auth=SigningAuth(), timeout=10
    )
    case.validate_response(response, checks=CHECKS)
