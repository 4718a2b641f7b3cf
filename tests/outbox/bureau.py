"""A sandbox bureau that counts the registration POSTs it receives, per Idempotency-Key."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer


class RequestCounter:
    """ASGI middleware: counts ``POST /v1/ebike-registrations`` by key, and their statuses.

    ``post_delay_s`` holds each such POST that long first: a real bureau's latency."""

    def __init__(self, app: Any, post_delay_s: float = 0.0) -> None:
        self.app = app
        self.post_delay_s = post_delay_s
        self.posts: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        #: answers the bureau replayed from its idempotency store, by key
        self.replayed: Counter[str] = Counter()
        self._lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not (
            scope["method"] == "POST" and scope["path"] == "/v1/ebike-registrations"
        ):
            await self.app(scope, receive, send)
            return
        key = dict(scope["headers"]).get(b"idempotency-key", b"").decode()
        with self._lock:
            self.posts[key] += 1
        if self.post_delay_s:
            import asyncio

            await asyncio.sleep(self.post_delay_s)

        async def counting_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                with self._lock:
                    self.statuses[message["status"]] += 1
                    if headers.get(b"idempotent-replayed", b"").lower() == b"true":
                        self.replayed[key] += 1
            await send(message)

        await self.app(scope, receive, counting_send)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CountingSandbox:
    """The sandbox on a fixed loopback port, started and stopped at will (the bureau "down")."""

    def __init__(self, db_path: Path, port: int | None = None, post_delay_s: float = 0.0) -> None:
        self.db_path = db_path
        self.post_delay_s = post_delay_s
        self.port = port or free_port()
        self.server: SandboxServer | None = None
        self.counter: RequestCounter | None = None
        self.dealer = DEMO_DEALERS[0]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> CountingSandbox:
        server = SandboxServer(db_path=self.db_path, review_delay=0, port=self.port)
        self.counter = RequestCounter(server.app, self.post_delay_s)
        server.app = self.counter  # type: ignore[assignment]
        server.start()
        self.server = server
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def client(self) -> Any:
        from vehreg_sdk import VehregClient

        return VehregClient(
            base_url=self.base_url, app_key=self.dealer.app_key, app_secret=self.dealer.app_secret
        )

    def worker_args(self) -> list[str]:
        return [
            "--base-url",
            self.base_url,
            "--app-key",
            self.dealer.app_key,
            "--app-secret",
            self.dealer.app_secret,
        ]


def registrations_at_bureau(client: Any) -> list[Any]:
    return list(client.ebike_registrations.list())
