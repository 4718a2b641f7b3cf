"""Several processes syncing one outbox (a file, or a hub's database): no item taken twice."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from vehreg_sdk.outbox import ItemStatus, Outbox

from .outbox_support import sale_payload

WORKER = Path(__file__).with_name("sync_worker.py")


def test_three_processes_take_each_item_once(tmp_path: Path, outbox_target: Path | str) -> None:
    db = outbox_target
    log = tmp_path / "sent.log"
    with Outbox(db) as box:
        ids = [box.enqueue(sale_payload(n)).local_id for n in range(150)]
    gate = tmp_path / "start"
    command = [sys.executable, str(WORKER), "--db", str(db), "--fake-log", str(log)]
    workers = [
        subprocess.Popen(
            [*command, "--until-done", "--start-file", str(gate)],
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for _ in range(3)
    ]
    # A start barrier: every worker has imported and opened the outbox before any syncs.
    # Without it, on a loaded machine the first worker drained all 150 items while the
    # others were still importing, and "the work was shared" failed for no fault of claim().
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready"
    gate.touch()
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
