"""``webhooks.verify``: signature, timestamp window, secret rotation, typed errors."""

from __future__ import annotations

import json
import time

import pytest

from vehreg_sdk import WebhookVerificationError, webhooks

from .conftest import registration_json

SECRET = "whsec_test_1"
PAYLOAD = json.dumps(
    {
        "id": "evt_1",
        "object": "event",
        "type": "ebike_registration.approved",
        "created_at": "2024-05-01T08:00:00Z",
        "data": {"object": registration_json(status="approved")},
    },
    ensure_ascii=False,
).encode()


def test_valid_signature_returns_the_event() -> None:
    event = webhooks.verify(PAYLOAD, webhooks.signature_header(PAYLOAD, SECRET), SECRET)
    assert event.id == "evt_1"
    assert event.type == "ebike_registration.approved"
    assert event.data["object"]["status"] == "approved"


def test_rotation_accepts_any_v1() -> None:
    t = int(time.time())
    old = webhooks.signature_header(PAYLOAD, "whsec_old", t).split("v1=")[1]
    new = webhooks.signature_header(PAYLOAD, SECRET, t).split("v1=")[1]
    assert webhooks.verify(PAYLOAD, f"t={t},v1={old},v1={new}", SECRET).id == "evt_1"
    assert webhooks.verify(PAYLOAD, f"t={t},v1={old},v1={new}", "whsec_old").id == "evt_1"


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "webhook.missing_header"),
        ("", "webhook.missing_header"),
        ("v1=abc", "webhook.malformed_header"),
        ("t=abc,v1=abc", "webhook.malformed_header"),
        ("t=123", "webhook.malformed_header"),
    ],
)
def test_bad_headers(header: str | None, code: str) -> None:
    with pytest.raises(WebhookVerificationError) as caught:
        webhooks.verify(PAYLOAD, header, SECRET)
    assert caught.value.code == code
    assert caught.value.message and caught.value.message_zh


def test_wrong_secret_or_tampered_body() -> None:
    header = webhooks.signature_header(PAYLOAD, SECRET)
    for payload, secret in [(PAYLOAD, "whsec_other"), (PAYLOAD + b" ", SECRET)]:
        with pytest.raises(WebhookVerificationError) as caught:
            webhooks.verify(payload, header, secret)
        assert caught.value.code == "webhook.signature_mismatch"
        assert "签名" in str(caught.value)


def test_stale_timestamp_is_refused_unless_tolerance_is_off() -> None:
    header = webhooks.signature_header(PAYLOAD, SECRET, int(time.time()) - 301)
    with pytest.raises(WebhookVerificationError) as caught:
        webhooks.verify(PAYLOAD, header, SECRET)
    assert caught.value.code == "webhook.timestamp_out_of_tolerance"
    assert webhooks.verify(PAYLOAD, header, SECRET, tolerance=0).id == "evt_1"
    assert webhooks.verify(PAYLOAD, header, SECRET, tolerance=600).id == "evt_1"


def test_signed_garbage_is_an_invalid_payload() -> None:
    body = b'{"not": "an event"}'
    with pytest.raises(WebhookVerificationError) as caught:
        webhooks.verify(body, webhooks.signature_header(body, SECRET), SECRET)
    assert caught.value.code == "webhook.invalid_payload"
