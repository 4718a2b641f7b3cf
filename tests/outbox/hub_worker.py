"""A hub sync worker for the hub kill test: ``python hub_worker.py --db postgresql://... ...``.

Each sale goes out with its store's dealer's credentials (``DealerRouter`` from the
``VEHREG_DEALER_*`` variables the test sets). It prints ``ready`` once set up, ``posted``
after each answered registration POST (``--announce-posts``), and ``done`` when nothing is
left to deliver. ``--kill-after-posts N`` kills the process (SIGKILL) right after its Nth
answered POST, before the answer is recorded: the worst moment, every time.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from typing import Any


class _Watched:
    """A dealer's real client whose registration POSTs are announced, or end the process."""

    def __init__(self, client: Any, budget: list[int], announce: bool) -> None:
        self._client = client
        self._budget = budget
        self._announce = announce
        self.uploads = client.uploads
        self.events = client.events
        self.ebike_registrations = self

    def create(self, **kwargs: Any) -> Any:
        registration = self._client.ebike_registrations.create(**kwargs)
        if self._budget[0] > 0:
            self._budget[0] -= 1
            if self._budget[0] == 0:
                print(f"killed-after-post {kwargs['idempotency_key']}", flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
        if self._announce:
            print("posted", flush=True)
        return registration

    def __getattr__(self, name: str) -> Any:  # retrieve, list, cancel...
        return getattr(self._client.ebike_registrations, name)

    def close(self) -> None:
        self._client.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--worker-id")
    parser.add_argument("--announce-posts", action="store_true")
    parser.add_argument("--kill-after-posts", type=int, default=0)
    parser.add_argument("--deadline", type=float, default=600.0)
    args = parser.parse_args()

    from vehreg_sdk import VehregClient
    from vehreg_sdk.outbox import DealerCredentials, DealerRouter, Outbox, load_dealers

    budget = [args.kill_after_posts]

    def make_client(dealer: DealerCredentials) -> Any:
        client = VehregClient(
            base_url=args.base_url,
            app_key=dealer.app_key,
            app_secret=dealer.app_secret,
            max_retries=0,
        )
        return _Watched(client, budget, args.announce_posts)

    router = DealerRouter(load_dealers(), client_factory=make_client)
    # The default 300 s lease: a killed worker's items come back through its database
    # session, not by waiting the lease out.
    outbox = Outbox(args.db, retry_base_seconds=0.05, retry_max_seconds=0.5, pool_size=2)
    print("ready", flush=True)
    end = time.monotonic() + args.deadline
    while True:
        report = outbox.sync(router, worker_id=args.worker_id)
        health = outbox.health()
        if health.pending == 0:
            break
        if time.monotonic() > end:
            return 3
        if not report.claimed:
            time.sleep(0.05)
    router.close()
    outbox.close()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
