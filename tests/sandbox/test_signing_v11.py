"""Signature version 1.1: the worked examples, the covered headers, empty query pairs,
and version 1.0 still served with its deprecation headers."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

from vehreg_sdk import VehregClient, _signing
from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.sandbox.auth import DEPRECATION_HEADERS

from .conftest import FakeClock, Signer, post_headers

SIGNING_MD = Path(__file__).parents[2] / "docs" / "api" / "signing.md"

KEY = "vk_demo_haizhou_0001"
SECRET = "vs_demo_haizhou_5f1c7a92e04b4c3d8a61b2f0"
TIMESTAMP = "1795658400"
NONCE = "0f8e2d6c-4b1a-49c3-9e57-a2d4c6b8e013"
IDEMPOTENCY_KEY = "4d2c9b1e-7f3a-4e58-a6b0-91c8d7e6f5a4"
RAW_QUERY = "store_id=st_demo_haizhou_1&status=approved&limit=20&q=%E8%8B%8FG%20A"
CANONICAL_QUERY = "limit=20&q=%E8%8B%8FG%20A&status=approved&store_id=st_demo_haizhou_1"
CANCEL_PATH = "/v1/ebike-registrations/reg_0123456789abcdef01234567/cancel"
CANCEL_BODY = '{"reason":"顾客退货"}'.encode()
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
BODY_SHA256 = "d611bd914ad2e54bee7e82cb58835c8021f1f83478d83c277b66abf6dce06927"
BODY_SM3 = "dc3041879b8f888dad7b77b86791e80eb141346d3e239fb7976c167e08d7bcef"

EXPECTED_V11 = {
    "get": "6d68f0f96191025c1f815c6f295f096827e31fe59bf6f299d4b90fa72e7b79a2",
    "HMAC-SHA256": "e7276b7d0bfa14034888a8cecccc2776ab37b5c277b7a720d2dfaa28248e1f6b",
    "HMAC-SM3": "c537f2281f32a9593ee8796cb65d719adcd1cf8c721e4bb7bb550a12ebb47d97",
}


def _hmac_sm3(key: bytes, data: bytes) -> str:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def test_v11_worked_examples_recompute_from_first_principles() -> None:
    text = SIGNING_MD.read_text("utf-8")
    for value in (*EXPECTED_V11.values(), IDEMPOTENCY_KEY, RAW_QUERY, CANONICAL_QUERY):
        assert value in text, value
    # Example 3: a GET carries neither signed header, so two empty lines end the string.
    get = "\n".join(
        ["GET", "/v1/ebike-registrations", CANONICAL_QUERY, TIMESTAMP, NONCE, EMPTY_SHA256, "", ""]
    )
    assert len(get.encode()) == 211
    get_mac = hmac.new(SECRET.encode(), get.encode(), hashlib.sha256).hexdigest()
    assert get_mac == EXPECTED_V11["get"]
    json_strings = [json.loads(b) for b in re.findall(r"```json\n(\".*?\")\n```", text, re.S)]
    assert get in json_strings
    # Example 4: the POST, both methods.
    head = ["POST", CANCEL_PATH, "", TIMESTAMP, NONCE]
    tail = [IDEMPOTENCY_KEY, "application/json"]
    sha_lines = "\n".join([*head, BODY_SHA256, *tail])
    sm3_lines = "\n".join([*head, BODY_SM3, *tail])
    assert len(sha_lines.encode()) == 232
    assert (
        hmac.new(SECRET.encode(), sha_lines.encode(), hashlib.sha256).hexdigest()
        == EXPECTED_V11["HMAC-SHA256"]
    )
    assert _hmac_sm3(SECRET.encode(), sm3_lines.encode()) == EXPECTED_V11["HMAC-SM3"]
    blocks = re.findall(r"```text\n(.*?)```", text, re.S)
    assert sha_lines + "\n" in blocks
    assert sm3_lines + "\n" in blocks
    # The shared module agrees.
    assert (
        _signing.string_to_sign(
            method="GET",
            path="/v1/ebike-registrations",
            query=RAW_QUERY,
            timestamp=TIMESTAMP,
            nonce=NONCE,
            body=b"",
            version="1.1",
        )
        == get
    )


def test_empty_pairs_table_in_the_docs_is_what_the_code_does() -> None:
    text = SIGNING_MD.read_text("utf-8")
    section = text.split("### Empty pairs", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]*)` \| (?:`([^`]*)`|\(empty\))", section, re.M)
    assert len(rows) >= 6
    for raw, canonical in rows:
        assert _signing.canonical_query_from_string(raw) == canonical, raw


def _example_request(what: str) -> tuple[str, str, dict[str, str], bytes]:
    """The method, target, headers and body of worked example 3 or 4 (exact bytes)."""
    common = {
        "X-Vehreg-Key": KEY,
        "X-Vehreg-Timestamp": TIMESTAMP,
        "X-Vehreg-Nonce": NONCE,
        "X-Vehreg-Signature-Version": "1.1",
        "X-Vehreg-Signature": EXPECTED_V11[what],
    }
    if what == "get":
        return "GET", f"/v1/ebike-registrations?{RAW_QUERY}", common, b""
    return (
        "POST",
        CANCEL_PATH,
        {
            **common,
            "X-Vehreg-Signature-Method": what,
            "Idempotency-Key": IDEMPOTENCY_KEY,
            "Content-Type": "application/json",
        },
        CANCEL_BODY,
    )


@pytest.mark.parametrize("what", ["get", "HMAC-SHA256", "HMAC-SM3"])
async def test_the_sandbox_verifies_the_v11_worked_examples(
    anonymous: httpx.AsyncClient, what: str
) -> None:
    # The sandbox's fake clock starts at the example's timestamp (2026-11-26 10:00).
    method, target, headers, body = _example_request(what)
    response = await anonymous.request(method, target, headers=headers, content=body)
    if what == "get":
        assert response.status_code == 200, response.text
    else:  # signature good; the example's registration id does not exist
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "registration.not_found"
    assert "deprecation" not in response.headers


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Idempotency-Key", "4d2c9b1e-7f3a-4e58-a6b0-91c8d7e6f5a5"),
        ("Content-Type", "application/json; charset=utf-8"),
        ("X-Vehreg-Signature-Version", "1.0"),
    ],
)
async def test_tampering_with_a_covered_header_fails_v11(
    anonymous: httpx.AsyncClient, header: str, value: str
) -> None:
    method, target, headers, body = _example_request("HMAC-SHA256")
    tampered = await anonymous.request(
        method, target, headers={**headers, header: value}, content=body
    )
    assert tampered.status_code == 401, tampered.text
    assert tampered.json()["code"] == "auth.invalid_signature"
    # ...and the forgery did not burn the nonce: the genuine request still passes.
    genuine = await anonymous.request(method, target, headers=headers, content=body)
    assert genuine.json()["code"] == "registration.not_found"


async def test_a_dropped_idempotency_key_fails_v11(anonymous: httpx.AsyncClient) -> None:
    method, target, headers, body = _example_request("HMAC-SHA256")
    del headers["Idempotency-Key"]
    response = await anonymous.request(method, target, headers=headers, content=body)
    assert response.json()["code"] == "auth.invalid_signature"


async def test_unknown_version_and_duplicate_covered_headers(
    anonymous: httpx.AsyncClient, clock: FakeClock
) -> None:
    dealer = DEMO_DEALERS[0]

    def signed(**extra: Any) -> dict[str, str]:
        return _signing.signature_headers(
            app_key=dealer.app_key,
            secret=dealer.app_secret,
            method="GET",
            path="/v1/stores",
            query="",
            body=b"",
            timestamp=int(clock()),
            **extra,
        )

    response = await anonymous.get(
        "/v1/stores", headers={**signed(), "X-Vehreg-Signature-Version": "2.0"}
    )
    assert response.status_code == 401
    problem = response.json()
    assert problem["code"] == "auth.invalid_signature"
    assert problem["errors"][0]["field"] == "header.X-Vehreg-Signature-Version"
    assert problem["errors"][0]["message_zh"]
    headers = list(signed(version="1.1", idempotency_key="k-1").items())
    headers += [("Idempotency-Key", "k-1"), ("Idempotency-Key", "k-2")]
    duplicate = await anonymous.get("/v1/stores", headers=headers)
    assert duplicate.status_code == 401
    error = duplicate.json()["errors"][0]
    assert (error["field"], error["code"]) == ("header.Idempotency-Key", "header.duplicate")


async def test_version_1_0_is_served_and_marked_deprecated(app: Any, clock: FakeClock) -> None:
    for version, deprecated in (("1.0", True), ("1.1", False)):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://sandbox.test",
            auth=Signer(DEMO_DEALERS[0], clock, version=version),  # type: ignore[arg-type]
        ) as client:
            listed = await client.get("/v1/stores")
            created = await client.post(
                "/v1/webhook-endpoints",
                json={"url": "http://127.0.0.1:9/hook", "events": ["*"]},
                headers=post_headers(),
            )
        for response in (listed, created):
            assert response.status_code in (200, 201), response.text
            if deprecated:
                assert response.headers["Deprecation"] == DEPRECATION_HEADERS["Deprecation"]
                assert response.headers["Deprecation"].startswith("@")
                assert "1.0 is deprecated" in response.headers["Warning"]
            else:
                assert "Deprecation" not in response.headers
                assert "Warning" not in response.headers


def test_over_http_client_default_1_1_and_empty_pairs(sandbox_db: Path | str) -> None:
    """Real sockets: the SDK client signs 1.1; a raw ``&&`` query verifies as documented."""
    with SandboxServer(sandbox_db) as sandbox:
        dealer = sandbox.dealers[0]
        with VehregClient(
            base_url=sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
        ) as client:
            raw = client.with_raw_response.stores.list(limit=1)
            assert raw.http_response.request.headers["X-Vehreg-Signature-Version"] == "1.1"
            assert "deprecation" not in raw.headers
            endpoint = client.webhook_endpoints.create(
                url="http://127.0.0.1:9/hook", events=["*"], idempotency_key=str(uuid.uuid4())
            )
            assert endpoint.id.startswith("we_")
        raw_query = "&limit=1&&cursor=&"
        for version in ("1.1", "1.0"):
            headers = _signing.signature_headers(
                app_key=dealer.app_key,
                secret=dealer.app_secret,
                method="GET",
                path="/v1/stores",
                query=raw_query,
                body=b"",
                timestamp=int(time.time()),
                version=version,  # type: ignore[arg-type]
            )
            # The canonical query the client signed is the documented one.
            assert _signing.canonical_query_from_string(raw_query) == "cursor=&limit=1"
            response = httpx.get(f"{sandbox.base_url}/v1/stores?{raw_query}", headers=headers)
            assert response.status_code == 200, response.text
            assert len(response.json()["data"]) == 1
            assert ("deprecation" in response.headers) == (version == "1.0")


def test_the_chinese_page_has_the_same_code_blocks_values_and_rules() -> None:
    english = SIGNING_MD.read_text("utf-8")
    chinese = SIGNING_MD.with_name("signing.zh.md").read_text("utf-8")
    fence = re.compile(r"```[a-z]*\n.*?```", re.S)
    assert fence.findall(chinese) == fence.findall(english)
    for value in (*EXPECTED_V11.values(), IDEMPOTENCY_KEY, CANONICAL_QUERY, "Deprecation"):
        assert value in chinese
    # The empty-pairs table: the same raw queries, and what the code does with them.
    section = chinese.split("### 空参数对", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]*)` \| (?:`([^`]*)`|（空）)", section, re.M)
    assert len(rows) == 6
    for raw, canonical in rows:
        assert _signing.canonical_query_from_string(raw) == canonical, raw
    assert re.search(r"[\u4e00-\u9fff]{200}", re.sub(r"[^\u4e00-\u9fff]", "", chinese))
