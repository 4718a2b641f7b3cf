"""The storage seam: what the outbox asks of its database, SQLite's file or a PostgreSQL hub.

Everything else (the states, the history rows, retries, the same Idempotency-Key on
every attempt) is plain SQL both engines run alike, written with ``?`` placeholders.
Only four things differ, and only they sit behind :class:`Backend`:

* the transaction: SQLite serialises writers (``BEGIN IMMEDIATE`` on one connection);
  PostgreSQL runs them side by side (a pool) and locks the rows a write reads
  (:attr:`Backend.row_lock`);
* the claim: SQLite takes the first due row under its file lock; PostgreSQL takes it
  with ``FOR UPDATE SKIP LOCKED``, so two hub workers never wait on the same row;
* the lease's liveness: a till's lease names its process (host, pid, start), judged on
  that host; a hub worker's lease names its database session, which holds an advisory
  lock for its whole life, so a worker that dies anywhere releases its items at once;
* the schema: versioned migrations, each engine's own DDL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from ._models import OutboxError

#: The claim's condition, shared by both engines: ``{dead}`` is the engine's test for a
#: lease whose holder is gone, ``{stores}`` an optional filter by store.
DUE_SQL = (
    "SELECT local_id, {dead} AS orphaned FROM items WHERE"
    " ((status IN ('queued', 'submitted') AND next_attempt_at <= ?"
    "   AND (lease_expires_at IS NULL OR lease_expires_at < ? OR {dead}))"
    "  OR (status = 'submitting' AND (lease_expires_at < ? OR {dead}))){stores}"
    " ORDER BY next_attempt_at, created_at LIMIT 1"
)


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Conn(Protocol):
    """A connection in a transaction: ``execute`` takes ``?`` placeholders; rows are read by
    column name or position."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Cursor: ...


class Backend(Protocol):
    #: ``sqlite`` or ``postgresql``
    engine: str
    #: the file, or the URL without its password: for messages and logs
    location: str
    #: appended to the SELECT of an item a write transaction will change
    row_lock: str
    #: the errors a broken uniqueness rule raises
    integrity_errors: tuple[type[BaseException], ...]

    def write(self) -> AbstractContextManager[Conn]:
        """A transaction whose rows no other writer changes before it commits."""

    def read(self) -> AbstractContextManager[Conn]:
        """A connection for reading (committed data)."""

    def pick_due(
        self, conn: Conn, due: float, now: float, stores: Sequence[str] | None
    ) -> tuple[str, bool] | None:
        """In the caller's write transaction: the next due item's id, locked for this
        claim, and whether its previous holder is gone; ``None`` when nothing is due."""

    def lease_session(self) -> int | None:
        """What ties this process's leases to its life on the database (``None``: its pid)."""

    def after_erase(self) -> None:
        """Personal bytes were overwritten: make sure no old copy stays readable."""

    def schema_version(self) -> int: ...

    def migrate(self) -> tuple[int, int]:
        """Bring the schema to this code's version; returns (before, after). Idempotent."""

    def close(self) -> None: ...


def stores_clause(stores: Sequence[str] | None) -> tuple[str, list[Any]]:
    if stores is None:
        return "", []
    if not stores:
        return " AND 1 = 0", []
    return f" AND store_id IN ({','.join('?' * len(stores))})", list(stores)


def is_database_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class OutboxUnavailable(OutboxError):
    """The hub's PostgreSQL outbox cannot be reached (server down, network, pool exhausted).

    Nothing was changed; a sale being queued was not queued: retry, or queue it locally.
    """

    code = "outbox.unavailable"

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(
            f"the outbox database {location} cannot be reached ({reason}); nothing was "
            "changed: try again when the database is back",
            f"无法连接离线队列数据库 {location}（{reason}），未做任何修改；请在数据库恢复后重试",
        )
        self.location = location


class OutboxSchemaMismatch(OutboxError):
    """The database's schema is not this SDK's: migrated by a newer SDK, or not yet migrated
    (a worker started with ``migrate=False`` before ``vehreg outbox migrate`` ran)."""

    code = "outbox.schema_mismatch"

    def __init__(self, location: str, found: int, known: int) -> None:
        if found > known:
            en = (
                f"the outbox {location} has schema version {found}, newer than this SDK's "
                f"{known}: upgrade vehreg-sdk on this host before running workers against it"
            )
            zh = (
                f"离线队列 {location} 的结构版本为 {found}，高于本 SDK 支持的 {known}："
                "请先升级本机的 vehreg-sdk 再运行同步进程"
            )
        else:
            en = (
                f"the outbox {location} has schema version {found}, older than this SDK's "
                f"{known}: run `vehreg outbox migrate --db ...` first"
            )
            zh = (
                f"离线队列 {location} 的结构版本为 {found}，低于本 SDK 的 {known}："
                "请先运行 `vehreg outbox migrate --db ...`"
            )
        super().__init__(en, zh)
        self.found, self.known = found, known
