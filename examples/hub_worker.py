"""A POS vendor's sync worker for a hub serving many stores (docs/hub.md).

Run as many of these as the load needs, on as many hosts as you like, against one
PostgreSQL outbox; each registers the sales of every store with that store's dealer's
bureau credentials::

    export VEHREG_OUTBOX_URL=postgresql://hub@db.internal/outbox
    export VEHREG_OUTBOX_KEY_FILE=/run/secrets/outbox-key          # owner-only
    export VEHREG_HUB_DEALERS_FILE=/etc/vehreg/dealers.toml        # owner-only
    export VEHREG_BASE_URL=https://bureau.example.invalid
    vehreg outbox migrate --db "$VEHREG_OUTBOX_URL"                # once per deploy
    python examples/hub_worker.py

The vendor's backend queues sales with the same API (``Outbox(url).enqueue(...)``). A
worker that is killed loses nothing: its database session ends, and another worker takes
its sales at once and resends them under the same Idempotency-Keys. SIGTERM (a deploy)
stops it between sales.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time

from vehreg_sdk.outbox import DealerRouter, Outbox, OutboxError, load_dealers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("VEHREG_OUTBOX_URL"))
    parser.add_argument("--once", action="store_true", help="one sync round, then exit")
    parser.add_argument("--idle-seconds", type=float, default=2.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if not args.db or not args.db.startswith(("postgresql://", "postgres://")):
        print("set VEHREG_OUTBOX_URL (or --db) to the hub's postgresql:// URL", file=sys.stderr)
        return 2

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        dealers = load_dealers()
        outbox = Outbox(args.db, migrate=False)  # the deploy ran `vehreg outbox migrate`
    except OutboxError as exc:
        print(f"{exc.message}\n{exc.message_zh}", file=sys.stderr)
        return 7
    last_report = 0.0
    with outbox, DealerRouter(dealers) as router:
        while not stopping:
            report = outbox.sync(router, should_stop=lambda: stopping)
            if time.monotonic() - last_report > 60 or args.once:
                health = outbox.health()  # what monitoring scrapes, also `vehreg outbox status`
                logging.info(
                    "hub: %s pending, oldest %s s; %s",
                    health.pending,
                    None if health.oldest_pending_seconds is None
                    else round(health.oldest_pending_seconds),
                    health.counts,
                )  # fmt: skip
                last_report = time.monotonic()
            if args.once:
                break
            if not report.claimed:
                time.sleep(args.idle_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
