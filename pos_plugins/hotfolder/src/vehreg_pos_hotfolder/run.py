"""``vehreg pos watch INBOX``: poll the folder and sync the outbox until interrupted."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vehreg_sdk.outbox import Outbox, make_worker_id
from vehreg_sdk.pos import PluginHost, Till
from vehreg_sdk.privacy import masked_logger

from .watcher import HotFolder

logger = masked_logger("vehreg_pos_hotfolder")


def watch(
    inbox: Path,
    *,
    outbox_path: Path | None = None,
    store_id: str | None = None,
    interval_s: float = 1.0,
    sync: bool = True,
    sync_interval_s: float = 5.0,
    client_factory: Callable[[], Any] | None = None,
    stop: threading.Event | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    """Run until ``stop`` is set (or Ctrl-C). ``sync=False`` leaves sending to another process."""
    stop = stop or threading.Event()
    outbox = Outbox(outbox_path)
    till = Till(
        outbox,
        host=PluginHost(),
        client_factory=client_factory,
        worker_id=f"hotfolder:{make_worker_id()}",
    )
    folder = HotFolder(Path(inbox), till, default_store_id=store_id)
    echo(f"Watching / 正在监视 {folder.inbox}  (outbox: {outbox.path})")
    syncer = None
    if sync:
        syncer = threading.Thread(
            target=_sync_loop,
            args=(till, stop, sync_interval_s),
            name="hotfolder-sync",
            daemon=True,
        )
        syncer.start()
    try:
        while not stop.is_set():
            try:
                for outcome in folder.poll():
                    echo(f"{outcome.outcome}: {outcome.name} -> {outcome.moved_to}")
            except Exception:  # never stop watching: every file is retried on the next poll
                logger.exception("hotfolder: poll failed; retrying on the next poll")
            stop.wait(interval_s)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if syncer is not None:
            syncer.join(30)
        till.close()
        outbox.close()


def _sync_loop(till: Till, stop: threading.Event, interval_s: float) -> None:
    while not stop.is_set():
        try:
            till.sync()
        except Exception:  # keep going: the sales stay queued
            logger.exception("hotfolder: sync failed")
        stop.wait(interval_s)
