"""A minimal webhook receiver: verify the signature on the raw body, then act on the event.

    VEHREG_WEBHOOK_SECRET=whsec_... python examples/webhook_receiver.py --port 8080
    python examples/webhook_receiver.py --demo    # sandbox + receiver + one sale, end to end

Answer 2xx quickly; the bureau retries anything else. Deliveries can repeat: use
``event.id`` to handle each event once.
"""

from __future__ import annotations

import argparse
import os
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from vehreg_sdk import WebhookVerificationError, webhooks
from vehreg_sdk.types import Event


def make_server(
    secret: Callable[[], str], on_event: Callable[[Event], None], port: int = 0
) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1 that verifies each POST and hands the event on."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                event = webhooks.verify(body, self.headers.get(webhooks.SIGNATURE_HEADER), secret())
            except WebhookVerificationError as refused:
                self.send_response(400)
                self.end_headers()
                self.wfile.write(str(refused).encode())
                return
            on_event(event)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep request lines (and anything in them) out of the console

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def demo() -> int:
    """Start a sandbox and this receiver, register it, sell one bike, print the events."""
    from _sandbox import bureau
    from ebike_sale import sell_one

    from vehreg_sdk import VehregClient

    seen: list[Event] = []
    approved = threading.Event()
    secret_box: list[str] = []

    def on_event(event: Event) -> None:
        seen.append(event)
        print(f"webhook {event.id}: {event.type}")
        if event.type == "ebike_registration.approved":
            approved.set()

    server = make_server(lambda: secret_box[0], on_event)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/vehreg"
    try:
        with bureau() as settings, VehregClient(**settings) as client:
            endpoint = client.webhook_endpoints.create(
                url=url, events=["ebike_registration.approved", "ebike_registration.returned"]
            )
            secret_box.append(endpoint.secret or "")
            # Rotate the secret (it was lost, or it is due): for the grace period the bureau
            # signs every delivery with both secrets, so this receiver, still holding the
            # old one, keeps verifying until the new one is deployed.
            rotated = client.webhook_endpoints.rotate_secret(endpoint.id, grace_period_s=3600)
            print(
                f"secret rotated; the old one also signs until {rotated.previous_secret_expires_at}"
            )
            sell_one(settings)
            ok = approved.wait(30)
            secret_box[0] = rotated.secret or ""  # deploy the new secret
            client.webhook_endpoints.delete(endpoint.id)
    finally:
        server.shutdown()
        server.server_close()
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description="Verify vehreg webhooks.")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--demo", action="store_true", help="run against an embedded sandbox")
    args = parser.parse_args()
    if args.demo:
        raise SystemExit(demo())
    secret = os.environ["VEHREG_WEBHOOK_SECRET"]
    server = make_server(lambda: secret, lambda e: print(f"{e.id}: {e.type}"), args.port)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/")
    server.serve_forever()


if __name__ == "__main__":
    main()
