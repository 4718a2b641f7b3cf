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

from outbox.outbox_support import FakeClient, MemoryKeyring, resident_id, sale_payload, status_error
from vehreg_sdk import UnprocessableEntityError
from vehreg_sdk.pos import Till
from vehreg_sdk.rules import Violation

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


def test_the_page_corrects_a_returned_sale_through_draft_and_put(
    api: TestClient, till: Till, fake_client: FakeClient
) -> None:
    """A 422 parks the sale; "send again" would replay it. The page loads the sale, the clerk
    corrects it, and PUT queues it under a new key revision."""
    mismatch = Violation(
        "owner.mobile_mismatch",
        "owner.mobile",
        "Mobile not registered to this ID",
        "手机号码与实名不符",
    )
    fake_client.ebike_registrations.outcomes = [
        status_error(UnprocessableEntityError, 422, "validation.failed", [mismatch])
    ]
    csrf = _login(api)
    page = {"Origin": ORIGIN, "X-CSRF-Token": csrf}
    sale = api.post("/sales", json=sale_payload(9), headers=page).json()
    local_id = sale["local_id"]
    assert api.get(f"/sales/{local_id}/draft").status_code == 409  # queued: nothing to correct
    till.sync()
    assert api.get(f"/sales/{local_id}").json()["status"] == "needs_attention"

    draft = api.get(f"/sales/{local_id}/draft")
    assert draft.status_code == 200 and draft.headers["cache-control"] == "no-store"
    body = draft.json()
    assert body["sale"]["owner"]["id_number"] == resident_id(9)  # unmasked: the clerk edits it
    assert "client_reference" not in body["sale"]
    assert body["view"]["errors"][0]["message_zh"] == "手机号码与实名不符"
    api.cookies.clear()
    assert api.get(f"/sales/{local_id}/draft").status_code == 401
    csrf = _login(api)
    page = {"Origin": ORIGIN, "X-CSRF-Token": csrf}

    corrected = body["sale"]
    corrected["owner"]["mobile"] = "13900009999"
    no_csrf = api.put(f"/sales/{local_id}", json=corrected, headers={"Origin": ORIGIN})
    assert no_csrf.status_code == 403
    foreign = api.put(
        f"/sales/{local_id}", json=corrected, headers={**page, "Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    amended = api.put(f"/sales/{local_id}", json=corrected, headers=page)
    assert amended.status_code == 200 and amended.json()["status"] == "queued"
    assert api.put(f"/sales/{local_id}", json=corrected, headers=page).status_code == 409
    till.sync()
    assert api.get(f"/sales/{local_id}").json()["status"] == "plate_assigned"
    calls = fake_client.ebike_registrations.calls
    assert [c["idempotency_key"] for c in calls] == [local_id, f"{local_id}.r1"]
    assert calls[-1]["owner"]["mobile"] == "13900009999"


def test_the_clerk_page_offers_the_correction(api: TestClient) -> None:
    _login(api)
    html = api.get("/").text
    assert 'id="amend-start"' in html and 'id="amend"' in html
    # every script the page loads is served (the texts live in i18n.js)
    scripts = re.findall(r'<script src="(/static/[a-z0-9]+\.js)"', html)
    assert scripts[:2] == ["/static/i18n.js", "/static/clerk.js"]
    served = [api.get(path) for path in scripts]
    assert all(r.status_code == 200 for r in served)
    script = "\n".join(r.text for r in served)
    for needle in ("/draft", '"PUT"', "更正并重新提交", "Correct and resubmit", "X-CSRF-Token",
                   "/photo-requirements", "/photos", "/cancel"):  # fmt: skip
        assert needle in script
    # the photo steps come from GET /photo-requirements: no photo kind is written in the page
    kinds = r"\b(id_front|id_back|vehicle_code_rubbing|vehicle_photo|plate_fitted)\b"
    assert not re.search(kinds, script)


def test_a_wildcard_bind_needs_the_names_lan_clients_use() -> None:
    with pytest.raises(BridgeConfigError) as caught:
        check_bind("0.0.0.0", True, "cert.pem", "key.pem")
    assert "--allowed-host" in caught.value.message and "--allowed-host" in caught.value.message_zh
    names = check_bind(
        "0.0.0.0", True, "cert.pem", "key.pem", ("Till-3.local", "192.168.1.20", "fe80::1")
    )
    assert names == ("till-3.local", "192.168.1.20", "[fe80::1]")
    assert check_bind("192.0.2.10", True, "c", "k", ("till-3.local",)) == (
        "192.0.2.10",
        "till-3.local",
    )
    for bad in ("evil.example:8790", "*.lan", "0.0.0.0", "a/b", ""):
        with pytest.raises(BridgeConfigError) as refused:
            check_bind("0.0.0.0", True, "c", "k", (bad,))
        assert refused.value.message_zh


def test_lan_clients_are_answered_by_their_allowed_names(till: Till) -> None:
    config = BridgeConfig(port=8790, scheme="https", extra_hosts=("till-3.local", "192.168.1.20"))
    app = create_app(till, TOKEN, config, start_worker=False)
    with TestClient(app, base_url="https://till-3.local:8790") as client:
        for host in ("till-3.local:8790", "TILL-3.local:8790", "192.168.1.20:8790"):
            assert client.get("/health", headers={"Host": host}).status_code == 200, host
        for host in ("0.0.0.0:8790", "evil.example:8790", "till-3.local:9999"):
            assert client.get("/health", headers={"Host": host}).status_code == 421, host
        # the page's CSRF origin check accepts the allowed name too
        code = client.post("/session-codes", headers=AUTH).json()["code"]
        client.get(f"/login?code={code}")
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
        assert csrf
        headers = {"Origin": "https://till-3.local:8790", "X-CSRF-Token": csrf.group(1)}
        assert client.post("/sales", json=sale_payload(10), headers=headers).status_code == 202


def test_bridge_server_applies_the_same_bind_check(till: Till) -> None:
    from vehreg_pos_bridge import BridgeServer

    with pytest.raises(BridgeConfigError):
        BridgeServer(till, token=TOKEN, host="0.0.0.0")
    with pytest.raises(BridgeConfigError):
        BridgeServer(till, token=TOKEN, host="0.0.0.0", allow_remote=True)  # no TLS
    with pytest.raises(BridgeConfigError):
        BridgeServer(
            till, token=TOKEN, host="0.0.0.0", allow_remote=True, tls_cert="c", tls_key="k"
        )  # no --allowed-host


def _self_signed(tmp_path: Path) -> tuple[str, str]:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "till-3.local")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("till-3.local")]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


def test_a_remote_bridge_on_all_interfaces_answers_its_lan_name(till: Till, tmp_path: Path) -> None:
    """--allow-remote --host 0.0.0.0 used to answer 421 to every LAN client."""
    import httpx
    from vehreg_pos_bridge import BridgeServer

    cert, key = _self_signed(tmp_path)
    bridge = BridgeServer(
        till,
        token=TOKEN,
        host="0.0.0.0",
        allow_remote=True,
        tls_cert=cert,
        tls_key=key,
        allowed_hosts=("till-3.local",),
    )
    with bridge, httpx.Client(verify=False, timeout=10) as client:
        assert bridge.base_url.startswith("https://")
        url = f"https://127.0.0.1:{bridge.port}"
        lan = client.get(f"{url}/sales", headers={**AUTH, "Host": f"till-3.local:{bridge.port}"})
        assert lan.status_code == 200
        wildcard = client.get(f"{url}/health", headers={"Host": f"0.0.0.0:{bridge.port}"})
        assert wildcard.status_code == 421


def test_a_damaged_outbox_is_a_bilingual_503(till: Till) -> None:
    from vehreg_sdk.outbox import OutboxDamaged

    def damaged(**_: Any) -> Any:
        raise OutboxDamaged(till.outbox.path, "database disk image is malformed")

    till.outbox.counts = damaged  # type: ignore[method-assign]
    with TestClient(create_app(till, "tok", start_worker=False), base_url=ORIGIN) as api:
        response = api.get("/status", headers={"Authorization": "Bearer tok"})
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "outbox.damaged" and str(till.outbox.path) in body["detail"]
    assert "损坏" in body["detail_zh"]
