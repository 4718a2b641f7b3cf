"""Request signing: the documented worked example, and every 401 the bureau answers."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

from vehreg_sdk import _signing
from vehreg_sdk.sandbox import DEMO_DEALERS

from .conftest import FakeClock, Signer, post_headers

SIGNING_MD = Path(__file__).parents[2] / "docs" / "api" / "signing.md"

SECRET = "vs_demo_haizhou_5f1c7a92e04b4c3d8a61b2f0"
TIMESTAMP = "1795658400"
NONCE = "0f8e2d6c-4b1a-49c3-9e57-a2d4c6b8e013"
RAW_QUERY = "store_id=st_demo_haizhou_1&status=approved&limit=20&q=%E8%8B%8FG%20A"
CANONICAL_QUERY = "limit=20&q=%E8%8B%8FG%20A&status=approved&store_id=st_demo_haizhou_1"
CANCEL_PATH = "/v1/ebike-registrations/reg_0123456789abcdef01234567/cancel"
CANCEL_BODY = '{"reason":"顾客退货"}'.encode()

EXPECTED = {
    "get_sha256": "c7cb7c80c7dbe39f0d1b69a2d20d5e8621dfa04577c4e970ff79923f021fc430",
    "post_sha256": "e7b7c0b297ecd100101e8fa61c377dc688d5ca80ebc2835a886098f459a76331",
    "post_sm3": "e812382a935359f3c2e0b522f802e4ec9e5485f3dec6b2cc4b6e4444fabf7b6a",
    "body_sha256": "d611bd914ad2e54bee7e82cb58835c8021f1f83478d83c277b66abf6dce06927",
    "body_sm3": "dc3041879b8f888dad7b77b86791e80eb141346d3e239fb7976c167e08d7bcef",
    "empty_sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
}


def _sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _hmac_sm3(key: bytes, data: bytes) -> str:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def test_worked_example_is_in_the_docs_and_recomputes_independently() -> None:
    text = SIGNING_MD.read_text("utf-8")
    for value in (*EXPECTED.values(), SECRET, TIMESTAMP, NONCE, RAW_QUERY, CANONICAL_QUERY):
        assert value in text, value
    # Recomputed from first principles (hashlib/hmac/cryptography), not with _signing.
    get_lines = "\n".join(
        [
            "GET",
            "/v1/ebike-registrations",
            CANONICAL_QUERY,
            TIMESTAMP,
            NONCE,
            EXPECTED["empty_sha256"],
        ]
    )
    assert (
        hmac.new(SECRET.encode(), get_lines.encode(), hashlib.sha256).hexdigest()
        == EXPECTED["get_sha256"]
    )
    assert hashlib.sha256(CANCEL_BODY).hexdigest() == EXPECTED["body_sha256"]
    assert _sm3(CANCEL_BODY) == EXPECTED["body_sm3"]
    post = ["POST", CANCEL_PATH, "", TIMESTAMP, NONCE]
    sha_lines = "\n".join([*post, EXPECTED["body_sha256"]]).encode()
    sm3_lines = "\n".join([*post, EXPECTED["body_sm3"]]).encode()
    assert (
        hmac.new(SECRET.encode(), sha_lines, hashlib.sha256).hexdigest() == EXPECTED["post_sha256"]
    )
    assert _hmac_sm3(SECRET.encode(), sm3_lines) == EXPECTED["post_sm3"]
    # The string-to-sign blocks in the docs are the exact lines.
    blocks = re.findall(r"```text\n(.*?)```", text, re.S)
    assert get_lines + "\n" in blocks
    assert sha_lines.decode() + "\n" in blocks
    assert sm3_lines.decode() + "\n" in blocks


def test_shared_signing_module_agrees_with_the_worked_example() -> None:
    common = {"timestamp": TIMESTAMP, "nonce": NONCE}
    assert _signing.canonical_query_from_string(RAW_QUERY) == CANONICAL_QUERY
    got = _signing.sign(
        SECRET, method="get", path="/v1/ebike-registrations", query=RAW_QUERY, body=b"", **common
    )
    assert got == EXPECTED["get_sha256"]
    for method, key in (("HMAC-SHA256", "post_sha256"), ("HMAC-SM3", "post_sm3")):
        signature = _signing.sign(
            SECRET,
            method="POST",
            path=CANCEL_PATH,
            query="",
            body=CANCEL_BODY,
            signature_method=method,
            **common,  # type: ignore[arg-type]
        )
        assert signature == EXPECTED[key]


async def test_good_signature_sha256_and_sm3(app, clock: FakeClock) -> None:
    for method in ("HMAC-SHA256", "HMAC-SM3"):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://sandbox.test",
            auth=Signer(DEMO_DEALERS[0], clock, method),  # type: ignore[arg-type]
        ) as client:
            response = await client.get("/v1/stores", params={"limit": "2", "cursor": ""})
            assert response.status_code == 200, response.text
            assert len(response.json()["data"]) == 2
            # a POST with a body: the body digest follows the method (SM3 for HMAC-SM3)
            created = await client.post(
                "/v1/webhook-endpoints",
                json={"url": "http://127.0.0.1:9/hook", "events": ["*"]},
                headers=post_headers(),
            )
            assert created.status_code == 201, created.text


def _headers(clock: FakeClock, **overrides: str) -> dict[str, str]:
    dealer = DEMO_DEALERS[0]
    headers = _signing.signature_headers(
        app_key=dealer.app_key,
        secret=dealer.app_secret,
        method="GET",
        path="/v1/stores",
        query="",
        body=b"",
        timestamp=int(clock()),
    )
    headers.update(overrides)
    return headers


async def _problem(anonymous: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, object]:
    response = await anonymous.get("/v1/stores", headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    return body


async def test_bad_signature_and_unknown_key(
    anonymous: httpx.AsyncClient, clock: FakeClock
) -> None:
    headers = _headers(clock)
    tampered = headers["X-Vehreg-Signature"][:-1] + (
        "0" if headers["X-Vehreg-Signature"][-1] != "0" else "1"
    )
    assert (await _problem(anonymous, {**headers, "X-Vehreg-Signature": tampered}))[
        "code"
    ] == "auth.invalid_signature"
    upper = headers["X-Vehreg-Signature"].upper()
    assert (await _problem(anonymous, {**headers, "X-Vehreg-Signature": upper}))[
        "code"
    ] == "auth.invalid_signature"
    unknown = _headers(clock, **{"X-Vehreg-Key": "vk_nobody"})
    assert (await _problem(anonymous, unknown))["code"] == "auth.invalid_signature"
    # a signature for another path does not open this one
    other_path = _signing.signature_headers(
        app_key=DEMO_DEALERS[0].app_key,
        secret=DEMO_DEALERS[0].app_secret,
        method="GET",
        path="/v1/events",
        query="",
        body=b"",
        timestamp=int(clock()),
    )
    assert (await _problem(anonymous, other_path))["code"] == "auth.invalid_signature"


async def test_missing_and_malformed_headers(
    anonymous: httpx.AsyncClient, clock: FakeClock
) -> None:
    body = await _problem(anonymous, {})
    assert body["code"] == "auth.missing_headers"
    fields = {e["field"] for e in body["errors"]}  # type: ignore[attr-defined]
    assert fields == {
        "header.X-Vehreg-Key",
        "header.X-Vehreg-Timestamp",
        "header.X-Vehreg-Nonce",
        "header.X-Vehreg-Signature",
    }
    short_nonce = _headers(clock, **{"X-Vehreg-Nonce": "too-short"})
    problem = await _problem(anonymous, short_nonce)
    assert problem["code"] == "auth.invalid_signature"
    assert problem["errors"][0]["field"] == "header.X-Vehreg-Nonce"  # type: ignore[index]
    bad_method = _headers(clock, **{"X-Vehreg-Signature-Method": "MD5"})
    assert (await _problem(anonymous, bad_method))["code"] == "auth.invalid_signature"
    bad_time = _headers(clock, **{"X-Vehreg-Timestamp": "yesterday"})
    assert (await _problem(anonymous, bad_time))["code"] == "auth.invalid_signature"


async def test_clock_skew_over_300_seconds(anonymous: httpx.AsyncClient, clock: FakeClock) -> None:
    within = _headers(FakeClock(clock() - 299))
    assert (await anonymous.get("/v1/stores", headers=within)).status_code == 200
    for offset in (-301, 301):
        skewed = _headers(FakeClock(clock() + offset))
        problem = await _problem(anonymous, skewed)
        assert problem["code"] == "auth.clock_skew"
        assert problem["detail_zh"]


async def test_replayed_nonce_within_10_minutes(
    anonymous: httpx.AsyncClient, clock: FakeClock
) -> None:
    headers = _headers(clock)
    assert (await anonymous.get("/v1/stores", headers=headers)).status_code == 200
    assert (await _problem(anonymous, headers))["code"] == "auth.replayed"
    # the same nonce, freshly signed 5 minutes later, is still a replay
    clock.advance(300)
    again = _headers(clock, **{"X-Vehreg-Nonce": headers["X-Vehreg-Nonce"]})
    resigned = _signing.signature_headers(
        app_key=DEMO_DEALERS[0].app_key,
        secret=DEMO_DEALERS[0].app_secret,
        method="GET",
        path="/v1/stores",
        query="",
        body=b"",
        timestamp=int(clock()),
        nonce=headers["X-Vehreg-Nonce"],
    )
    assert again["X-Vehreg-Nonce"] == resigned["X-Vehreg-Nonce"]
    assert (await _problem(anonymous, resigned))["code"] == "auth.replayed"
    # after 10 minutes the nonce is forgotten
    clock.advance(301)
    later = _signing.signature_headers(
        app_key=DEMO_DEALERS[0].app_key,
        secret=DEMO_DEALERS[0].app_secret,
        method="GET",
        path="/v1/stores",
        query="",
        body=b"",
        timestamp=int(clock()),
        nonce=headers["X-Vehreg-Nonce"],
    )
    assert (await anonymous.get("/v1/stores", headers=later)).status_code == 200


async def test_a_bad_signature_does_not_burn_the_nonce(
    anonymous: httpx.AsyncClient, clock: FakeClock
) -> None:
    headers = _headers(clock)
    forged = {**headers, "X-Vehreg-Signature": "0" * 64}
    assert (await _problem(anonymous, forged))["code"] == "auth.invalid_signature"
    assert (await anonymous.get("/v1/stores", headers=headers)).status_code == 200


@pytest.mark.parametrize("path", ["/v1/health", "/v1/keys", "/openapi.json"])
async def test_public_paths_need_no_signature(anonymous: httpx.AsyncClient, path: str) -> None:
    response = await anonymous.get(path)
    assert response.status_code == 200
    assert response.headers["x-request-id"].startswith("req_")


async def test_query_is_signed_in_canonical_order(
    anonymous: httpx.AsyncClient, clock: FakeClock
) -> None:
    dealer = DEMO_DEALERS[0]
    raw = "limit=2&q=%E4%BA%91%E5%B8%86"  # q=云帆
    headers = _signing.signature_headers(
        app_key=dealer.app_key,
        secret=dealer.app_secret,
        method="GET",
        path="/v1/catalogue/ebikes",
        query="q=%E4%BA%91%E5%B8%86&limit=2",
        body=b"",
        timestamp=int(clock()),
    )
    response = await anonymous.get(f"/v1/catalogue/ebikes?{raw}", headers=headers)
    assert response.status_code == 200, response.text
    assert {m["brand"] for m in response.json()["data"]} == {"云帆"}
