"""Webhook secrets over real HTTP: shown once (never by a replay), rotated with a grace
period signed by both secrets, and deliveries that never follow a redirect."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from vehreg_sdk import AsyncVehregClient, NotFoundError, VehregClient, webhooks
from vehreg_sdk._errors import WebhookVerificationError
from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.sandbox.clock import shanghai_date, system_clock
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

from .conftest import Signer, post_headers
from .test_webhooks import Receiver


@pytest.fixture
def sandbox(sandbox_db: Path | str) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox_db, webhook_backoff=0.05) as server:
        yield server


def _client(sandbox: SandboxServer, dealer: int = 0) -> VehregClient:
    d = sandbox.dealers[dealer]
    return VehregClient(base_url=sandbox.base_url, app_key=d.app_key, app_secret=d.app_secret)


def _sell_one(sandbox: SandboxServer, start: int) -> None:
    """One registration: a ``plate_assigned`` event for every subscribed endpoint."""
    (code,) = sellable_vehicle_codes(1, start=start)
    body = demo_registration_body(
        code, DEMO_DEALERS[0].store_ids[0], invoice_date=shanghai_date(system_clock())
    )
    with httpx.Client(base_url=sandbox.base_url, auth=Signer(DEMO_DEALERS[0])) as http:
        response = http.post("/v1/ebike-registrations", json=body, headers=post_headers())
    assert response.status_code == 201, response.text


def _signatures(header: str) -> list[str]:
    return [part[3:] for part in header.split(",") if part.startswith("v1=")]


def test_a_replayed_create_does_not_return_the_secret(sandbox: SandboxServer) -> None:
    key = str(uuid.uuid4())
    with _client(sandbox) as client:
        first = client.with_raw_response.webhook_endpoints.create(
            url="http://127.0.0.1:9/hook", events=["*"], idempotency_key=key
        )
        again = client.with_raw_response.webhook_endpoints.create(
            url="http://127.0.0.1:9/hook", events=["*"], idempotency_key=key
        )
    created, replayed = first.parse(), again.parse()
    assert created.secret is not None and created.secret.startswith("whsec_")
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.status_code == 201
    assert replayed.id == created.id and replayed.url == created.url
    assert replayed.secret is None
    assert "secret" not in again.http_response.json()
    # The idempotency record holds no secret either (the database file is readable).
    with sandbox.bureau.db.read() as conn:
        bodies = [bytes(row[0]) for row in conn.execute("SELECT body FROM idempotency")]
    assert bodies and not any(b"whsec_" in body for body in bodies)


def test_the_client_rotates_once_when_a_create_is_replayed(sandbox: SandboxServer) -> None:
    """A retry after a lost answer gets the replay, which has no secret: the client
    rotates, so ``create`` always hands back a usable secret and the first stays valid."""
    key = str(uuid.uuid4())
    with _client(sandbox) as client:
        first = client.webhook_endpoints.create(
            url="http://127.0.0.1:9/r", events=["*"], idempotency_key=key
        )
        again = client.webhook_endpoints.create(
            url="http://127.0.0.1:9/r", events=["*"], idempotency_key=key
        )
        assert again.id == first.id
        assert again.secret is not None and again.secret != first.secret
        assert again.previous_secret_expires_at is not None  # the first secret still signs
        assert [e.id for e in client.webhook_endpoints.list()] == [first.id]


#: Long enough that a sale and its delivery fit inside it on a loaded machine (2 s did not
#: always), short enough that waiting it out keeps the test quick.
GRACE_S = 6


def test_rotation_signs_with_both_secrets_during_the_grace_period(
    sandbox: SandboxServer,
) -> None:
    receiver = Receiver()
    try:
        with _client(sandbox) as client:
            endpoint = client.webhook_endpoints.create(
                url=receiver.url, events=["ebike_registration.plate_assigned"]
            )
            old = endpoint.secret
            assert old is not None and endpoint.previous_secret_expires_at is None
            key = str(uuid.uuid4())
            rotated = client.webhook_endpoints.rotate_secret(
                endpoint.id, grace_period_s=GRACE_S, idempotency_key=key
            )
            new = rotated.secret
            assert new is not None and new.startswith("whsec_") and new != old
            assert rotated.id == endpoint.id
            assert rotated.previous_secret_expires_at is not None
            # A replay of the rotation does not show the new secret again.
            replay = client.webhook_endpoints.rotate_secret(
                endpoint.id, grace_period_s=GRACE_S, idempotency_key=key
            )
            assert replay.secret is None and replay.id == endpoint.id
            listed = [e for e in client.webhook_endpoints.list() if e.id == endpoint.id]
            assert listed[0].secret is None
            assert listed[0].previous_secret_expires_at == rotated.previous_secret_expires_at

        _sell_one(sandbox, start=3100)
        receiver.wait_for(1)
        headers, body, _ = receiver.received[0]
        header = headers["Vehreg-Signature"]
        assert len(_signatures(header)) == 2  # new and old
        for secret in (new, old):
            assert webhooks.verify(body, header, secret).type == "ebike_registration.plate_assigned"

        # The grace period ends (the stamp is cut to whole seconds: up to 1 s more), then
        # only the new secret signs.
        assert rotated.previous_secret_expires_at is not None
        time.sleep(max(0.0, rotated.previous_secret_expires_at.timestamp() + 1.2 - time.time()))
        _sell_one(sandbox, start=3200)
        receiver.wait_for(2)
        headers, body, _ = receiver.received[1]
        header = headers["Vehreg-Signature"]
        assert len(_signatures(header)) == 1
        webhooks.verify(body, header, new)
        with pytest.raises(WebhookVerificationError):
            webhooks.verify(body, header, old)
    finally:
        receiver.close()


def test_grace_period_zero_ends_the_old_secret_at_once(sandbox: SandboxServer) -> None:
    receiver = Receiver()
    try:
        with _client(sandbox) as client:
            endpoint = client.webhook_endpoints.create(url=receiver.url, events=["*"])
            rotated = client.webhook_endpoints.rotate_secret(endpoint.id, grace_period_s=0)
            assert rotated.previous_secret_expires_at is None
        _sell_one(sandbox, start=3300)
        receiver.wait_for(1)
        headers, body, _ = receiver.received[0]
        assert len(_signatures(headers["Vehreg-Signature"])) == 1
        assert rotated.secret is not None
        webhooks.verify(body, headers["Vehreg-Signature"], rotated.secret)
        with pytest.raises(WebhookVerificationError):
            webhooks.verify(body, headers["Vehreg-Signature"], endpoint.secret or "")
    finally:
        receiver.close()


def test_rotation_errors(sandbox: SandboxServer) -> None:
    with _client(sandbox) as client, _client(sandbox, dealer=1) as other:
        endpoint = client.webhook_endpoints.create(url="http://127.0.0.1:9/h", events=["*"])
        with pytest.raises(NotFoundError) as missing:
            client.webhook_endpoints.rotate_secret("we_nope")
        assert missing.value.code == "webhook_endpoint.not_found"
        with pytest.raises(NotFoundError):  # another dealer's endpoint is not found either
            other.webhook_endpoints.rotate_secret(endpoint.id)
        client.webhook_endpoints.delete(endpoint.id)
        with pytest.raises(NotFoundError):
            client.webhook_endpoints.rotate_secret(endpoint.id)
    with httpx.Client(base_url=sandbox.base_url, auth=Signer(DEMO_DEALERS[0])) as http:
        live = http.post(
            "/v1/webhook-endpoints",
            json={"url": "http://127.0.0.1:9/h", "events": ["*"]},
            headers=post_headers(),
        ).json()
        path = f"/v1/webhook-endpoints/{live['id']}/rotate-secret"
        for bad in (True, -1, 86401, "60", 1.5):
            response = http.post(path, json={"grace_period_s": bad}, headers=post_headers())
            assert response.status_code == 422, (bad, response.text)
            error = response.json()["errors"][0]
            assert error["field"] == "grace_period_s" and error["message_zh"]
        unknown = http.post(path, json={"grace": 5}, headers=post_headers())
        assert unknown.status_code == 422
        # no body at all: the documented 24 h default
        default = http.post(path, headers=post_headers())
        assert default.status_code == 200, default.text
        assert default.json()["secret"].startswith("whsec_")
        expires = default.json()["previous_secret_expires_at"]
        assert expires is not None


async def test_async_rotate_secret(sandbox: SandboxServer) -> None:
    dealer = sandbox.dealers[0]
    async with AsyncVehregClient(
        base_url=sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
    ) as client:
        endpoint = await client.webhook_endpoints.create(url="http://127.0.0.1:9/a", events=["*"])
        rotated = await client.webhook_endpoints.rotate_secret(endpoint.id, grace_period_s=60)
        raw = await client.with_raw_response.webhook_endpoints.rotate_secret(endpoint.id)
    assert rotated.secret and rotated.secret != endpoint.secret
    assert raw.status_code == 200
    assert raw.parse().secret not in (None, rotated.secret)


class _Redirecting:
    """A loopback receiver that answers every delivery with a redirect to ``target``."""

    def __init__(self, target: str) -> None:
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.hits += 1
                self.send_response(307)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_deliveries_never_follow_a_redirect(sandbox_db: Path | str) -> None:
    target = Receiver()
    redirecting = _Redirecting(target.url)
    try:
        with SandboxServer(sandbox_db, webhook_backoff=0.02, webhook_max_attempts=3) as sandbox:
            with _client(sandbox) as client:
                client.webhook_endpoints.create(url=redirecting.url, events=["*"])
            _sell_one(sandbox, start=3400)
            deadline = time.monotonic() + 10
            while redirecting.hits < 3:
                assert time.monotonic() < deadline, redirecting.hits
                time.sleep(0.02)
            time.sleep(0.3)
            with sandbox.bureau.db.read() as conn:
                state, error = conn.execute("SELECT state, last_error FROM deliveries").fetchone()
        assert redirecting.hits == 3  # each attempt failed on the 307 and was retried
        assert (state, error) == ("failed", "HTTP 307")
        assert target.received == []  # the redirect target never got the event
    finally:
        redirecting.close()
        target.close()
