"""The committed contract: docs copy == package copy == what the server serves == its routes."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import yaml
from starlette.applications import Starlette
from starlette.routing import Route

from vehreg_sdk.sandbox.problems import PROBLEMS

ROOT = Path(__file__).parents[2]
DOCS_SPEC = ROOT / "docs" / "api" / "openapi.yaml"
PACKAGE_SPEC = ROOT / "src" / "vehreg_sdk" / "sandbox" / "openapi.yaml"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def test_package_copy_is_identical_to_the_docs() -> None:
    assert PACKAGE_SPEC.read_bytes() == DOCS_SPEC.read_bytes(), (
        "src/vehreg_sdk/sandbox/openapi.yaml differs from docs/api/openapi.yaml: "
        "copy docs/api/openapi.yaml over it"
    )


async def test_served_document_is_the_committed_spec(anonymous: httpx.AsyncClient) -> None:
    served = await anonymous.get("/openapi.json")
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/json"
    assert served.json() == yaml.safe_load(DOCS_SPEC.read_text("utf-8"))


def test_spec_is_openapi_3_1_and_every_ref_resolves() -> None:
    spec = yaml.safe_load(DOCS_SPEC.read_text("utf-8"))
    assert spec["openapi"].startswith("3.1")

    def walk(node: object) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                target: object = spec
                for part in ref.removeprefix("#/").split("/"):
                    assert isinstance(target, dict) and part in target, ref
                    target = target[part]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)


def test_every_route_is_in_the_spec_and_back(app: Starlette) -> None:
    spec = yaml.safe_load(DOCS_SPEC.read_text("utf-8"))
    documented = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    served = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    assert served == documented


def test_every_authenticated_operation_documents_401_and_429() -> None:
    spec = yaml.safe_load(DOCS_SPEC.read_text("utf-8"))
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            if operation.get("security") == []:
                continue
            assert {"401", "429"} <= set(operation["responses"]), (method, path)
            if method == "post":
                names = [p.get("$ref", "") for p in operation.get("parameters", [])]
                assert "#/components/parameters/IdempotencyKey" in names, path
                assert {"400", "409"} <= set(operation["responses"]), path


def test_every_problem_code_is_in_the_error_catalogue() -> None:
    catalogue = (ROOT / "docs" / "api" / "errors.md").read_text("utf-8")
    listed = set(re.findall(r"^\| `([a-z_]+\.[a-z_.]+)` \|", catalogue, re.M))
    assert set(PROBLEMS) <= listed, set(PROBLEMS) - listed
