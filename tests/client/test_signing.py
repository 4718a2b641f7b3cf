"""The client signs exactly what goes on the wire, with the shared ``_signing`` module."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import respx

from vehreg_sdk import VehregClient
from vehreg_sdk._signing import sign, signatures_match

from .conftest import APP_KEY, APP_SECRET, BASE_URL, registration_json, sale_kwargs

SIGNING_DOC = Path(__file__).resolve().parents[2] / "docs" / "api" / "signing.md"


def _verify(request: httpx.Request, secret: str = APP_SECRET) -> None:
    """What the bureau does: rebuild the string to sign from the request as received."""
    path, _, query = request.url.raw_path.partition(b"?")
    expected = sign(
        secret,
        method=request.method,
        path=path.decode(),
        query=query.decode(),
        timestamp=request.headers["X-Vehreg-Timestamp"],
        nonce=request.headers["X-Vehreg-Nonce"],
        body=request.content,
        signature_method=request.headers["X-Vehreg-Signature-Method"],  # type: ignore[arg-type]
        version=request.headers.get("X-Vehreg-Signature-Version", "1.0"),  # type: ignore[arg-type]
        idempotency_key=request.headers.get("Idempotency-Key"),
        content_type=request.headers.get("Content-Type"),
    )
    assert signatures_match(expected, request.headers["X-Vehreg-Signature"])
    assert request.headers["X-Vehreg-Key"] == APP_KEY
    assert re.fullmatch(r"[A-Za-z0-9-]{16,64}", request.headers["X-Vehreg-Nonce"])
    assert request.headers["X-Vehreg-Timestamp"].isdigit()


@respx.mock(base_url=BASE_URL)
def test_get_with_query_is_signed_as_sent(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    route = respx_mock.get("/v1/catalogue/ebikes").respond(
        200, json={"object": "list", "data": [], "has_more": False, "next_cursor": None}
    )
    list(client.catalogue.list(q="雅迪 DE2 +/&=?", brand="Yadea", limit=5))
    request = route.calls[0].request
    assert b"%" in request.url.raw_path  # the Chinese and reserved characters went encoded
    _verify(request)


@respx.mock(base_url=BASE_URL)
def test_path_segments_are_encoded_and_signed(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    route = respx_mock.get(url__regex=r"/v1/catalogue/ebikes/.+").respond(404)
    with pytest.raises(Exception):  # noqa: B017
        client.with_options(max_retries=0).catalogue.retrieve("TDR 1/2")
    request = route.calls[0].request
    assert request.url.raw_path == b"/v1/catalogue/ebikes/TDR%201%2F2"
    _verify(request)


@respx.mock(base_url=BASE_URL)
def test_json_body_is_signed_byte_for_byte(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    route = respx_mock.post("/v1/ebike-registrations").respond(201, json=registration_json())
    client.ebike_registrations.create(**sale_kwargs(), extra_query={"trace": "a b"})
    request = route.calls[0].request
    assert request.headers["Content-Type"] == "application/json"
    assert "张小明".encode() in request.content  # UTF-8, not \\u escapes
    _verify(request)


@respx.mock(base_url=BASE_URL)
def test_multipart_body_is_signed(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    upload = {
        "id": "up_1",
        "object": "upload",
        "kind": "id_front",
        "content_type": "image/jpeg",
        "size": 7,
        "sha256": "0" * 64,
        "created_at": "2024-05-01T08:00:00Z",
    }
    route = respx_mock.post("/v1/uploads").respond(201, json=upload)
    client.uploads.create(kind="id_front", file=b"\xff\xd8\xff\xe0abc", prepare=False)
    request = route.calls[0].request
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="kind"' in request.content
    assert b"image/jpeg" in request.content
    _verify(request)


@respx.mock(base_url=BASE_URL)
def test_hmac_sm3(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/v1/stores").respond(
        200, json={"object": "list", "data": [], "has_more": False, "next_cursor": None}
    )
    with VehregClient(
        base_url=BASE_URL, app_key=APP_KEY, app_secret=APP_SECRET, signature_method="HMAC-SM3"
    ) as sm3_client:
        list(sm3_client.stores.list())
    request = route.calls[0].request
    assert request.headers["X-Vehreg-Signature-Method"] == "HMAC-SM3"
    _verify(request)


def test_unknown_signature_method_is_refused() -> None:
    with pytest.raises(ValueError, match="signature_method"):
        VehregClient(
            base_url=BASE_URL,
            app_key=APP_KEY,
            app_secret=APP_SECRET,
            signature_method="MD5",  # type: ignore[arg-type]
        )


@respx.mock(base_url=BASE_URL)
def test_extra_headers_are_sent(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    route = respx_mock.get("/v1/keys").respond(200, json={"keys": []})
    assert client.keys.retrieve(extra_headers={"X-Trace": "t1"}).model_dump() == {"keys": []}
    request = route.calls[0].request
    assert request.headers["X-Trace"] == "t1"
    assert "X-Vehreg-Signature" not in request.headers  # /v1/keys is public


# The worked examples of docs/api/signing.md, sent through the client itself.
EXAMPLE_KEY = "vk_demo_haizhou_0001"
EXAMPLE_SECRET = "vs_demo_haizhou_5f1c7a92e04b4c3d8a61b2f0"
EXAMPLE_TIMESTAMP = 1795658400
EXAMPLE_NONCE = "0f8e2d6c-4b1a-49c3-9e57-a2d4c6b8e013"
EXAMPLE_IDEMPOTENCY_KEY = "4d2c9b1e-7f3a-4e58-a6b0-91c8d7e6f5a4"


@pytest.fixture
def frozen_signing(monkeypatch: pytest.MonkeyPatch) -> None:
    from vehreg_sdk import _kernel, _signing

    monkeypatch.setattr(_kernel, "_unix_time", lambda: EXAMPLE_TIMESTAMP)
    monkeypatch.setattr(_signing, "new_nonce", lambda: EXAMPLE_NONCE)


def test_worked_examples_are_in_the_contract_doc() -> None:
    text = SIGNING_DOC.read_text(encoding="utf-8")
    for value in (
        EXAMPLE_SECRET,
        str(EXAMPLE_TIMESTAMP),
        EXAMPLE_NONCE,
        EXAMPLE_IDEMPOTENCY_KEY,
        *EXPECTED.values(),
    ):
        assert value in text


#: (version, what) -> signature; 1.1 = worked examples 3 and 4, 1.0 = 1 and 2 (deprecated)
EXPECTED = {
    ("1.0", "get"): "c7cb7c80c7dbe39f0d1b69a2d20d5e8621dfa04577c4e970ff79923f021fc430",
    ("1.0", "HMAC-SHA256"): "e7b7c0b297ecd100101e8fa61c377dc688d5ca80ebc2835a886098f459a76331",
    ("1.0", "HMAC-SM3"): "e812382a935359f3c2e0b522f802e4ec9e5485f3dec6b2cc4b6e4444fabf7b6a",
    ("1.1", "get"): "6d68f0f96191025c1f815c6f295f096827e31fe59bf6f299d4b90fa72e7b79a2",
    ("1.1", "HMAC-SHA256"): "e7276b7d0bfa14034888a8cecccc2776ab37b5c277b7a720d2dfaa28248e1f6b",
    ("1.1", "HMAC-SM3"): "c537f2281f32a9593ee8796cb65d719adcd1cf8c721e4bb7bb550a12ebb47d97",
}


@pytest.mark.usefixtures("frozen_signing")
@pytest.mark.parametrize("version", ["1.1", "1.0"])
@respx.mock(base_url=BASE_URL)
def test_worked_example_get_with_query(respx_mock: respx.MockRouter, version: str) -> None:
    route = respx_mock.get("/v1/ebike-registrations").respond(
        200, json={"object": "list", "data": [], "has_more": False, "next_cursor": None}
    )
    with VehregClient(
        base_url=BASE_URL,
        app_key=EXAMPLE_KEY,
        app_secret=EXAMPLE_SECRET,
        signature_version=version,  # type: ignore[arg-type]
    ) as client:
        client.ebike_registrations.list(
            store_id="st_demo_haizhou_1", status="approved", limit=20, extra_query={"q": "苏G A"}
        )
    request = route.calls[0].request
    assert request.headers["X-Vehreg-Signature"] == EXPECTED[(version, "get")]
    sent_version = request.headers.get("X-Vehreg-Signature-Version")
    assert sent_version == ("1.1" if version == "1.1" else None)


@pytest.mark.usefixtures("frozen_signing")
@pytest.mark.parametrize("version", ["1.1", "1.0"])
@pytest.mark.parametrize("method", ["HMAC-SHA256", "HMAC-SM3"])
@respx.mock(base_url=BASE_URL)
def test_worked_example_post_with_utf8_body(
    respx_mock: respx.MockRouter, method: str, version: str
) -> None:
    path = "/v1/ebike-registrations/reg_0123456789abcdef01234567/cancel"
    route = respx_mock.post(path).respond(
        200, json=registration_json("reg_0123456789abcdef01234567", status="cancelled")
    )
    with VehregClient(
        base_url=BASE_URL,
        app_key=EXAMPLE_KEY,
        app_secret=EXAMPLE_SECRET,
        signature_method=method,  # type: ignore[arg-type]
        signature_version=version,  # type: ignore[arg-type]
    ) as client:
        client.ebike_registrations.cancel(
            "reg_0123456789abcdef01234567",
            reason="顾客退货",
            idempotency_key=EXAMPLE_IDEMPOTENCY_KEY,
        )
    request = route.calls[0].request
    assert request.content.hex() == "7b22726561736f6e223a22e9a1bee5aea2e98080e8b4a7227d"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == EXAMPLE_IDEMPOTENCY_KEY
    assert request.headers["X-Vehreg-Signature-Method"] == method
    assert request.headers["X-Vehreg-Signature"] == EXPECTED[(version, method)]


def test_the_client_signs_version_1_1_by_default() -> None:
    with VehregClient(base_url=BASE_URL, app_key=APP_KEY, app_secret=APP_SECRET) as client:
        assert client.signature_version == "1.1"


def test_unknown_signature_version_is_refused() -> None:
    with pytest.raises(ValueError, match="signature_version"):
        VehregClient(
            base_url=BASE_URL,
            app_key=APP_KEY,
            app_secret=APP_SECRET,
            signature_version="2.0",  # type: ignore[arg-type]
        )


@respx.mock(base_url=BASE_URL)
def test_a_1_1_signature_covers_the_idempotency_key_and_content_type(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    route = respx_mock.post("/v1/ebike-registrations").respond(201, json=registration_json())
    client.ebike_registrations.create(**sale_kwargs(), idempotency_key="till-7-sale-42")
    request = route.calls[0].request
    assert request.headers["X-Vehreg-Signature-Version"] == "1.1"
    _verify(request)
    for header, other in (
        ("Idempotency-Key", "till-7-sale-43"),
        ("Content-Type", "application/json; charset=utf-8"),
    ):
        tampered = httpx.Request(
            request.method,
            request.url,
            headers={**request.headers, header: other},
            content=request.content,
        )
        with pytest.raises(AssertionError):
            _verify(tampered)


@respx.mock(base_url=BASE_URL)
def test_the_deprecation_header_is_logged_once(
    respx_mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    from vehreg_sdk import _kernel

    _kernel._deprecation_warned.clear()
    respx_mock.get("/v1/stores").respond(
        200,
        json={"object": "list", "data": [], "has_more": False, "next_cursor": None},
        headers={"Deprecation": "@1796054400", "Warning": '299 - "signature 1.0 deprecated"'},
    )
    with VehregClient(
        base_url=BASE_URL, app_key=APP_KEY, app_secret=APP_SECRET, signature_version="1.0"
    ) as client:
        list(client.stores.list())
        list(client.stores.list())
    warnings = [r for r in caplog.records if "deprecated request feature" in r.getMessage()]
    assert len(warnings) == 1
    assert "signature 1.0 deprecated" in warnings[0].getMessage()
