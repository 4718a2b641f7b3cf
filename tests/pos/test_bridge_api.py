"""The bridge's JSON API and its security: token, session, CSRF, Host, no CORS, masking."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from vehreg_pos_bridge import BridgeConfig, BridgeConfigError, check_bind, create_app
from vehreg_pos_bridge.security import KEYRING_SERVICE, TOKEN_USERNAME, get_or_create_token

from outbox.outbox_support import MemoryKeyring, resident_id, sale_payload
from vehreg_sdk.pos import Till

ORIGIN = "http://127.0.0.1:8790"
TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def api(till: Till) -> Iterator[TestClient]:
    app = create_app(till, TOKEN, BridgeConfig(port=8790), start_worker=False)
    with TestClient(app, base_url=ORIGIN) as client:
        yield client


def _login(api: TestClient) -> str:
    code = api.post("/session-codes", headers=AUTH).json()["code"]
    response = api.get(f"/login?code={code}", follow_redirects=False)
    assert response.status_code == 303
    page = api.get("/").text
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match
    return match.group(1)


def test_health_is_open_and_the_rest_needs_a_token(api: TestClient) -> None:
    assert api.get("/health").json()["status"] == "ok"
    refused = api.get("/sales")
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["detail_zh"]
    assert api.get("/sales", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert api.get("/sales", headers=AUTH).status_code == 200


def test_unknown_host_is_refused(api: TestClient) -> None:
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends Host: evil.example
    response = api.get("/health", headers={"Host": "evil.example:8790"})
    assert response.status_code == 421


def test_no_cors_and_strict_headers(api: TestClient) -> None:
    preflight = api.options(
        "/sales",
        headers={"Origin": "https://pos.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 405
    assert not any(h.lower().startswith("access-control-") for h in preflight.headers)
    page = api.get("/")
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert page.headers["x-content-type-options"] == "nosniff"


def test_pos_queues_a_sale_and_follows_it_to_the_plate(api: TestClient, till: Till) -> None:
    created = api.post("/sales", json=sale_payload(1), headers=AUTH)
    assert created.status_code == 202
    sale = created.json()
    assert sale["status"] == "queued" and sale["status_text"]["zh"].startswith("已排队")
    till.sync()
    done = api.get(f"/sales/{sale['local_id']}", headers=AUTH).json()
    assert done["status"] == "plate_assigned" and done["plate_number"].startswith("苏G")
    label = api.get(done["label_url"], headers=AUTH)
    assert label.status_code == 200 and label.content.startswith(b"\x89PNG")
    listed = api.get("/sales?status=plate_assigned", headers=AUTH).json()["data"]
    assert [s["local_id"] for s in listed] == [sale["local_id"]]


def test_replays_and_double_sales(api: TestClient) -> None:
    headers = {**AUTH, "Idempotency-Key": "pos-order-1001"}
    first = api.post("/sales", json=sale_payload(2), headers=headers)
    again = api.post("/sales", json=sale_payload(2), headers=headers)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["local_id"] == first.json()["local_id"]
    second_till = api.post("/sales", json=sale_payload(2), headers=AUTH)
    assert second_till.status_code == 409
    assert second_till.json()["existing_local_id"] == first.json()["local_id"]
    assert "请勿重复提交" in second_till.json()["detail_zh"]


def test_invalid_sale_lists_every_problem_in_both_languages(api: TestClient) -> None:
    bad = sale_payload(3)
    bad["owner"]["id_number"] = "320706199001011234"
    bad["owner"]["mobile"] = "12345"
    response = api.post("/sales", json=bad, headers=AUTH)
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert {"owner.id_number", "owner.mobile"} <= set(errors)
    assert all(e["message"] and e["message_zh"] for e in errors.values())


def test_page_session_needs_csrf_and_same_origin(api: TestClient) -> None:
    assert "令牌" in api.get("/").text  # the login page
    assert api.post("/session-codes").status_code == 401
    csrf = _login(api)
    no_csrf = api.post("/sales", json=sale_payload(4), headers={"Origin": ORIGIN})
    assert no_csrf.status_code == 403 and no_csrf.json()["code"] == "bridge.csrf"
    foreign = api.post(
        "/sales",
        json=sale_payload(4),
        headers={"Origin": "https://evil.example", "X-CSRF-Token": csrf},
    )
    assert foreign.status_code == 403
    ok = api.post("/sales", json=sale_payload(4), headers={"Origin": ORIGIN, "X-CSRF-Token": csrf})
    assert ok.status_code == 202
    assert api.get("/status").json()["counts"]["queued"] == 1  # reads need no CSRF


def test_login_codes_are_single_use(api: TestClient) -> None:
    code = api.post("/session-codes", headers=AUTH).json()["code"]
    assert api.get(f"/login?code={code}", follow_redirects=False).status_code == 303
    api.cookies.clear()
    assert api.get(f"/login?code={code}", follow_redirects=False).status_code == 401


def test_login_with_the_token(api: TestClient) -> None:
    response = api.post(
        "/login", data={"token": TOKEN}, headers={"Origin": ORIGIN}, follow_redirects=False
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    wrong = api.post("/login", data={"token": "nope"}, headers={"Origin": ORIGIN})
    assert wrong.status_code == 401


def test_page_helpers_scan_and_validate(api: TestClient) -> None:
    csrf = _login(api)
    headers = {"Origin": ORIGIN, "X-CSRF-Token": csrf}
    scan = api.post("/scan", json={"text": "vinCode=320722401000001xyz"}, headers=headers)
    assert scan.json()["kind"] == "vehicle_code" and scan.json()["value"] == "320722401000001"
    assert scan.json()["certificate"] is None  # the fake bureau has no certificates: offline path
    unknown = api.post("/scan", json={"text": "??"}, headers=headers)
    assert unknown.status_code == 422 and unknown.json()["detail_zh"]
    draft: dict[str, Any] = sale_payload(5)
    draft["owner"]["id_number"] = "3207061990"
    checked = api.post("/validate", json=draft, headers=headers).json()
    assert not checked["ok"]
    assert any(v["field"] == "owner.id_number" and v["message_zh"] for v in checked["violations"])


def test_lists_and_logs_mask_personal_data(
    api: TestClient, till: Till, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    payload = sale_payload(6, owner_name="王小明", mobile="13912349876")
    api.post("/sales", json=payload, headers=AUTH)
    till.sync()
    listed = api.get("/sales", headers=AUTH).text
    for secret in (resident_id(6), "13912349876", "王小明"):
        assert secret not in listed
        assert secret not in caplog.text
    assert "王*" in listed and "139****9876" in listed


def test_print_goes_to_the_chosen_printer(
    api: TestClient, till: Till, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sale = api.post("/sales", json=sale_payload(7), headers=AUTH).json()
    assert api.post(f"/sales/{sale['local_id']}/print", headers=AUTH).status_code == 409
    till.sync()
    no_printer = api.post(f"/sales/{sale['local_id']}/print", headers=AUTH).json()
    assert no_printer["printed"] is False  # the page then prints label_url itself
    target = tmp_path / "label.tspl"
    monkeypatch.setenv("VEHREG_PRINTER", f"file:{target}?format=tspl")
    printed = api.post(f"/sales/{sale['local_id']}/print", headers=AUTH).json()
    assert printed["printed"] is True
    assert b"QRCODE" in target.read_bytes() and b"PRINT" in target.read_bytes()


def test_retry_and_amend_only_when_parked(api: TestClient) -> None:
    sale = api.post("/sales", json=sale_payload(8), headers=AUTH).json()
    assert (
        api.put(f"/sales/{sale['local_id']}", json=sale_payload(8), headers=AUTH).status_code == 409
    )
    assert api.post(f"/sales/{sale['local_id']}/retry", headers=AUTH).status_code == 200
    assert api.get("/sales/unknown-id", headers=AUTH).status_code == 404


def test_openapi_document(api: TestClient) -> None:
    doc = api.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert {"/sales", "/sales/{local_id}", "/sales/{local_id}/print"} <= set(doc["paths"])
    sale_request = doc["components"]["schemas"]["SaleRequest"]
    assert {"vehicle", "owner", "sale", "pos_reference"} <= set(sale_request["properties"])


def test_non_loopback_bind_is_refused() -> None:
    check_bind("127.0.0.1", False, None, None)
    check_bind("localhost", False, None, None)
    with pytest.raises(BridgeConfigError) as caught:
        check_bind("0.0.0.0", False, None, None)
    assert "127.0.0.1" in caught.value.message_zh
    with pytest.raises(BridgeConfigError):
        check_bind("192.0.2.10", True, None, None)  # remote needs TLS
    check_bind("192.0.2.10", True, "cert.pem", "key.pem")


def test_token_lives_in_the_keyring(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    first = get_or_create_token()
    assert get_or_create_token() == first
    assert memory_keyring.get_password(KEYRING_SERVICE, TOKEN_USERNAME) == first
    rotated = get_or_create_token(rotate=True)
    assert rotated != first and len(rotated) >= 40
