"""Several processes syncing one outbox file: no item is ever taken twice."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from vehreg_sdk.outbox import ItemStatus, Outbox

from .outbox_support import sale_payload

WORKER = Path(__file__).with_name("sync_worker.py")


def test_three_processes_take_each_item_once(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    log = tmp_path / "sent.log"
    with Outbox(db) as box:
        ids = [box.enqueue(sale_payload(n)).local_id for n in range(150)]
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), "--db", str(db), "--fake-log", str(log), "--until-done"],
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for _ in range(3)
    ]
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, out
    sent = Counter(log.read_text(encoding="utf-8").split())
    assert set(sent) == set(ids)
    assert max(sent.values()) == 1, [k for k, n in sent.items() if n > 1]
    with Outbox(db) as box:
        assert box.counts()[ItemStatus.PLATE_ASSIGNED] == 150
        claimers = {h.actor for h in box.history() if h.event == "claimed"}
    assert len(claimers) == 3  # the work really was shared
