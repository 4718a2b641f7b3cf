"""Webhook delivery to a real loopback receiver: signature, retries with backoff, filtering."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer

from .conftest import JPEG, TILL_KINDS, Signer, post_headers


class Receiver:
    """A loopback HTTP server that records deliveries and fails the first ``fail_first``."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[tuple[dict[str, str], bytes, float]] = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers.items()), body, time.monotonic()))
                status = 500 if len(receiver.received) <= receiver.fail_first else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/vehreg"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"only {len(self.received)} deliveries"
            time.sleep(0.02)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail_first=2)
    yield r
    r.close()


def verify(header: str, body: bytes, secret: str) -> int:
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(expected, parts["v1"])
    return int(parts["t"])


def test_events_are_delivered_signed_and_retried(
    sandbox_db: Path | str, receiver: Receiver
) -> None:
    from vehreg_sdk.sandbox.clock import shanghai_date, system_clock
    from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

    with (
        SandboxServer(sandbox_db, webhook_backoff=0.05) as server,
        httpx.Client(base_url=server.base_url, auth=Signer(DEMO_DEALERS[0])) as client,
    ):
        bad = client.post(
            "/v1/webhook-endpoints",
            json={"url": "https://example.com/hook", "events": ["ebike_registration.sold"]},
            headers=post_headers(),
        )
        assert bad.status_code == 422
        assert {e["field"] for e in bad.json()["errors"]} == {"url", "events.0"}
        created = client.post(
            "/v1/webhook-endpoints",
            json={
                "url": receiver.url,
                "events": ["ebike_registration.plate_assigned", "ebike_registration.approved"],
            },
            headers=post_headers(),
        ).json()
        secret = created["secret"]
        (code,) = sellable_vehicle_codes(1, start=1200)
        uploads = [
            client.post(
                "/v1/uploads",
                data={"kind": kind},
                files={"file": ("a.jpg", JPEG, "image/jpeg")},
                headers=post_headers(),
            ).json()["id"]
            for kind in TILL_KINDS
        ]
        body = demo_registration_body(
            code,
            DEMO_DEALERS[0].store_ids[0],
            uploads=uploads,
            invoice_date=shanghai_date(system_clock()),
        )
        registration = client.post(
            "/v1/ebike-registrations", json=body, headers=post_headers()
        ).json()
        # plate_assigned: two failures (500), then delivered on the third attempt with backoff
        receiver.wait_for(3)
        attempts = receiver.received[:3]
        assert [h["Vehreg-Delivery-Attempt"] for h, _, _ in attempts] == ["1", "2", "3"]
        first_gap, second_gap = attempts[1][2] - attempts[0][2], attempts[2][2] - attempts[1][2]
        assert first_gap >= 0.04 and second_gap >= 0.09  # backoff 0.05 s, then 0.1 s
        headers, raw, _ = attempts[2]
        timestamp = verify(headers["Vehreg-Signature"], raw, secret)
        assert abs(timestamp - time.time()) < 60
        event = json.loads(raw)
        assert event["type"] == "ebike_registration.plate_assigned"
        assert event["data"]["object"]["id"] == registration["id"]
        assert headers["Vehreg-Event-Id"] == event["id"]
        # awaiting_review is not subscribed; approved is
        client.post(
            f"/v1/ebike-registrations/{registration['id']}/photos",
            data={"kind": "plate_fitted"},
            files={"file": ("p.jpg", JPEG, "image/jpeg")},
            headers=post_headers(),
        )
        receiver.wait_for(4)
        time.sleep(0.2)
        types = [json.loads(raw)["type"] for _, raw, _ in receiver.received[3:]]
        assert types == ["ebike_registration.approved"]
        for headers, raw, _ in receiver.received:
            verify(headers["Vehreg-Signature"], raw, secret)
        # the events feed holds everything, delivered or not
        feed = client.get("/v1/events").json()["data"]
        assert [e["type"].split(".")[1] for e in feed] == [
            "plate_assigned",
            "awaiting_review",
            "approved",
        ]
