"""A sync process for the multi-process tests: ``python sync_worker.py --db ... [options]``.

It prints ``ready`` once its imports, outbox and client are set up, so a test
can kill it at a random point *of the sync itself*. ``--fake-log FILE`` uses
a fake bureau that appends each create's Idempotency-Key to FILE instead of
sending anything. ``--kill-after-posts N`` kills the process (SIGKILL) right after
its Nth registration POST was answered, before the answer is recorded;
``--announce-posts`` prints ``posted`` after each answered POST; ``--start-file F``
waits, after ``ready``, until F exists.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any


class _LoggingFakeClient:
    def __init__(self, log: Path, delay: float) -> None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from outbox.outbox_support import FakeClient

        self._fake = FakeClient()
        self._log = log
        self._delay = delay
        self.uploads = self._fake.uploads
        self.ebike_registrations = self

    def create(self, **kwargs: Any) -> Any:
        fd = os.open(self._log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{kwargs['idempotency_key']}\n".encode())
        finally:
            os.close(fd)
        time.sleep(self._delay)  # a request in flight
        return self._fake.ebike_registrations.create(**kwargs)

    def retrieve(self, registration_id: str, **_: Any) -> Any:
        return self._fake.ebike_registrations.retrieve(registration_id)


class _KillAfterPosts:
    """The real client, but the process kills itself (``kill -9``) right after its Nth
    registration POST was answered: a crash between "sent" and "recorded", every time."""

    def __init__(self, client: Any, posts: int) -> None:
        self._client = client
        self._left = posts
        self.uploads = client.uploads
        self.ebike_registrations = self

    def create(self, **kwargs: Any) -> Any:
        registration = self._client.ebike_registrations.create(**kwargs)
        self._left -= 1
        if self._left <= 0:
            print(f"killed-after-post {kwargs['idempotency_key']}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        return registration

    def retrieve(self, registration_id: str, **kwargs: Any) -> Any:
        return self._client.ebike_registrations.retrieve(registration_id, **kwargs)


class _AnnouncePosts:
    """The real client, printing ``posted`` after each answered registration POST, so a
    test can kill the process at a point of the sync that it knows has work in hand."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.uploads = client.uploads
        self.ebike_registrations = self

    def create(self, **kwargs: Any) -> Any:
        registration = self._client.ebike_registrations.create(**kwargs)
        print("posted", flush=True)
        return registration

    def retrieve(self, registration_id: str, **kwargs: Any) -> Any:
        return self._client.ebike_registrations.retrieve(registration_id, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--base-url")
    parser.add_argument("--app-key")
    parser.add_argument("--app-secret")
    parser.add_argument("--fake-log")
    parser.add_argument("--fake-delay", type=float, default=0.002)
    parser.add_argument("--lease", type=float, default=300.0)
    parser.add_argument("--until-done", action="store_true")
    parser.add_argument("--deadline", type=float, default=120.0)
    parser.add_argument("--worker-id")
    parser.add_argument("--kill-after-posts", type=int, default=0)
    parser.add_argument("--announce-posts", action="store_true")
    parser.add_argument("--start-file")
    args = parser.parse_args()

    from vehreg_sdk.outbox import Outbox

    client: Any
    if args.fake_log:
        client = _LoggingFakeClient(Path(args.fake_log), args.fake_delay)
    else:
        from vehreg_sdk import VehregClient

        client = VehregClient(
            base_url=args.base_url, app_key=args.app_key, app_secret=args.app_secret, max_retries=0
        )
    if args.kill_after_posts:
        client = _KillAfterPosts(client, args.kill_after_posts)
    elif args.announce_posts:
        client = _AnnouncePosts(client)
    outbox = Outbox(
        args.db, lease_seconds=args.lease, retry_base_seconds=0.05, retry_max_seconds=0.2
    )
    print("ready", flush=True)
    if args.start_file:  # a gate: workers set up at different speeds start syncing together
        gate, waited = Path(args.start_file), time.monotonic() + args.deadline
        while not gate.exists():
            if time.monotonic() > waited:
                return 4
            time.sleep(0.01)
    end = time.monotonic() + args.deadline
    while True:
        report = outbox.sync(client, worker_id=args.worker_id)
        if not args.until_done:
            break
        counts = outbox.counts()
        if counts["queued"] + counts["submitting"] + counts["submitted"] == 0:
            break
        if time.monotonic() > end:
            return 3
        if not report.claimed:
            time.sleep(0.05)
    outbox.close()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
