"""What every outbox method stands on: the engine behind the seam, the master key, the clock,
and the few row operations the API, sync and the follow-ups share (read an item, change its
state with its history row)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from . import _db
from ._backend import Backend, Conn, is_database_url
from ._crypto import OutboxKeyProblem, Sealer, load_master_key
from ._models import ItemNotFound, ItemStatus, OutboxItem
from ._rows import default_path, item_from_row


class StorageCore:
    """The engine, the key and the clock of an :class:`~vehreg_sdk.outbox.Outbox`."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        lease_seconds: float = 300.0,
        retry_base_seconds: float = 5.0,
        retry_max_seconds: float = 600.0,
        clock: Callable[[], float] = time.time,
        key: bytes | str | None = None,
        pool_size: int = 4,
        migrate: bool = True,
    ) -> None:
        backend: Backend
        if is_database_url(path):
            from ._pg import PostgresBackend

            master = load_master_key(key, use_keyring=True)
            if master is None:
                raise OutboxKeyProblem(
                    "a PostgreSQL outbox seals personal data: set VEHREG_OUTBOX_KEY or "
                    "VEHREG_OUTBOX_KEY_FILE (make a key with `vehreg outbox keygen`)",
                    "PostgreSQL 离线队列须加密个人信息：请设置 VEHREG_OUTBOX_KEY 或 "
                    "VEHREG_OUTBOX_KEY_FILE（可用 `vehreg outbox keygen` 生成密钥）",
                )
            backend = PostgresBackend.open(str(path), pool_size=pool_size, migrate=migrate)
            self.path: Path | None = None
        else:
            from ._location import check_outbox_location

            file = Path(path) if path is not None else default_path()
            check_outbox_location(file)
            master = load_master_key(key)
            backend = _db.SQLiteBackend(file)
            self.path = file
        self._backend = backend
        self.location = backend.location
        self._sealer = Sealer(master) if master is not None else None
        #: longer than the client's worst-case call (timeouts x retries), or a slow send is retaken
        self.lease_seconds = lease_seconds
        self.retry_base_seconds = retry_base_seconds
        self.retry_max_seconds = retry_max_seconds
        self._clock = clock

    @property
    def engine(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._backend.engine

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        self._backend.close()

    @_db.guarded
    def rotate_key(self, new_key: bytes | str) -> int:
        """Wrap every live item's data key with a new master key; returns how many.
        Then run the workers with the new key and destroy the old one (docs/hub.md)."""
        from ._writes import rotate_master_key

        return rotate_master_key(self, new_key)

    @_db.guarded
    def migrate(self) -> tuple[int, int]:
        """Bring the schema to this SDK's version: (version before, version after).
        Idempotent, and safe while workers run (one migrator at a time)."""
        return self._backend.migrate()

    def now(self) -> float:
        return self._clock()

    # ------------------------------------------------------------------ internals used by _sync
    def _write(self) -> AbstractContextManager[Conn]:
        return self._backend.write()

    def _read(self) -> AbstractContextManager[Conn]:
        return self._backend.read()

    def _get(self, conn: Conn, local_id: str) -> OutboxItem:
        """The item; inside a write, its row is locked until the transaction ends."""
        row = conn.execute(
            "SELECT * FROM items WHERE local_id = ?" + self._backend.row_lock,  # noqa: S608
            (local_id,),
        ).fetchone()
        if row is None:
            raise ItemNotFound(local_id)
        return self._item(conn, row)

    def _item(self, conn: Conn, row: Any) -> OutboxItem:
        return item_from_row(conn, row, self)

    def _history(
        self,
        conn: Conn,
        local_id: str,
        actor: str,
        from_status: str | None,
        to_status: str,
        event: str,
        detail: str = "",
    ) -> None:
        conn.execute(
            "INSERT INTO history (local_id, at, actor, from_status, to_status, event, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (local_id, self.now(), actor, from_status, str(to_status), event, detail),
        )

    def _set_status(
        self,
        conn: Conn,
        item: OutboxItem,
        to: ItemStatus,
        actor: str,
        event: str,
        *,
        detail: str = "",
        **columns: Any,
    ) -> None:
        """Change an item's state and write the history row, in the caller's transaction."""
        columns.setdefault("lease_owner", None)
        columns.setdefault("lease_expires_at", None)
        columns.setdefault("lease_session", None)
        sets = ", ".join(f"{name} = ?" for name in columns)
        conn.execute(
            f"UPDATE items SET status = ?, updated_at = ?, {sets} WHERE local_id = ?",  # noqa: S608
            (str(to), self.now(), *columns.values(), item.local_id),
        )
        self._history(conn, item.local_id, actor, item.status, to, event, detail)
