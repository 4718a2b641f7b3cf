"""``GET /openapi.json``: the committed contract (docs/api/openapi.yaml), served as JSON."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from ..endpoint import Call, Endpoint, Reply


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    """The OpenAPI document shipped inside the package (identical to docs/api/openapi.yaml)."""
    import yaml

    text = resources.files("vehreg_sdk.sandbox").joinpath("openapi.yaml").read_text("utf-8")
    spec = yaml.safe_load(text)
    assert isinstance(spec, dict)
    return spec


def openapi(call: Call) -> Reply:
    return Reply(200, load_spec())


ENDPOINTS = [Endpoint("GET", "/openapi.json", openapi, auth=False)]
