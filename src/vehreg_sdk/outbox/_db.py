"""The outbox's SQLite file: schema, pragmas, and row conversion.

WAL lets readers (the clerk page, ``vehreg outbox status``) run while a sync
writes; ``synchronous=FULL`` makes every commit an fsync, so a sale that
:meth:`Outbox.enqueue` acknowledged survives a power cut. Every write is a
``BEGIN IMMEDIATE`` transaction: it takes the write lock up front, so two
processes that claim at the same moment serialise instead of both reading the
same item as free.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from .. import _fs, _procs
from ..privacy import masked_logger
from ._backend import DUE_SQL, OutboxUnavailable, stores_clause
from ._models import OutboxDamaged

logger = masked_logger("vehreg_sdk.outbox")

SCHEMA_VERSION = 3

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    local_id         TEXT PRIMARY KEY,
    store_id         TEXT NOT NULL,
    vehicle_code     TEXT NOT NULL,
    payload          TEXT NOT NULL,
    revision         INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL,
    dedupe_key       TEXT UNIQUE,
    source           TEXT NOT NULL DEFAULT 'api',
    meta             TEXT NOT NULL DEFAULT '{}',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  REAL NOT NULL,
    lease_owner      TEXT,
    lease_expires_at REAL,
    registration_id  TEXT,
    plate_number     TEXT,
    plate_token      TEXT,
    registration     TEXT,
    errors           TEXT NOT NULL DEFAULT '[]',
    last_error_code  TEXT,
    created_at       REAL NOT NULL,
    updated_at       REAL NOT NULL,
    kind             TEXT NOT NULL DEFAULT 'ebike'
);
CREATE INDEX IF NOT EXISTS items_due ON items (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS items_updated ON items (updated_at);
CREATE TABLE IF NOT EXISTS attachments (
    local_id     TEXT NOT NULL REFERENCES items (local_id),
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    upload_id    TEXT,
    PRIMARY KEY (local_id, seq)
);
CREATE TABLE IF NOT EXISTS history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    local_id    TEXT NOT NULL REFERENCES items (local_id),
    at          REAL NOT NULL,
    actor       TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    event       TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS history_item ON history (local_id, id);
CREATE TABLE IF NOT EXISTS item_keys (
    local_id TEXT PRIMARY KEY REFERENCES items (local_id),
    wrapped  BLOB NOT NULL
);
"""


def connect(path: Path, busy_timeout_s: float = 30.0) -> sqlite3.Connection:
    """Open (creating if needed) an outbox file in WAL mode with fsync'd commits.

    The file, its ``-wal`` and ``-shm`` companions and the folders made for them are
    owner-only (0600/0700 on POSIX): they hold unmasked names, ID numbers and photos.
    Raises :class:`OutboxDamaged` for a file that is not a usable outbox.
    """
    try:
        _fs.create_private_file(path)
    except IsADirectoryError:
        raise OutboxDamaged(path, "it is a folder, not a file") from None
    try:
        conn = _open(path, busy_timeout_s)
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        raise OutboxDamaged(path, str(exc)) from None
    for companion in ("-wal", "-shm", "-journal"):
        _fs.restrict(path.with_name(path.name + companion))
    return conn


class _HasPath(Protocol):
    path: Path | None
    location: str


S = TypeVar("S", bound=_HasPath)
P = ParamSpec("P")
R = TypeVar("R")


def guarded(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Turn SQLite's "malformed" errors met after opening into :class:`OutboxDamaged`, and
    a PostgreSQL server that cannot be reached into :class:`OutboxUnavailable`."""

    @functools.wraps(method)
    def wrapper(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc) or self.path is None:
                raise
            raise OutboxDamaged(self.path, str(exc)) from None
        except Exception as exc:
            if is_unreachable(exc):
                raise OutboxUnavailable(self.location, type(exc).__name__) from None
            raise

    return wrapper  # type: ignore[return-value]  # functools' wrapper type, same call


def is_unreachable(exc: BaseException) -> bool:
    """psycopg's "cannot connect / connection lost / no connection from the pool"."""
    module = type(exc).__module__
    if not module.startswith(("psycopg", "psycopg_pool")):
        return False
    import psycopg

    return isinstance(exc, psycopg.OperationalError) and not isinstance(
        exc, psycopg.errors.LockNotAvailable
    )


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """A damaged file, as opposed to a busy one or a broken rule (locked, unique...)."""
    if isinstance(exc, sqlite3.IntegrityError):
        return False
    text = str(exc).lower()
    if isinstance(exc, sqlite3.OperationalError):
        return "malformed" in text or "no such table" in text or "corrupt" in text
    return True  # "file is not a database", "database disk image is malformed"


def _open(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    conn = sqlite3.connect(
        str(path), timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
    )
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # pragma: no cover - a network share without shm
            raise RuntimeError(
                f"the outbox needs WAL mode, got {mode!r} (is {path} on a network share?)"
            )
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # Erased photo bytes are overwritten with zeros, not left in free pages.
        conn.execute("PRAGMA secure_delete = ON")
        _create_schema(conn)
        _check_tables(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _check_tables(conn: sqlite3.Connection) -> None:
    """Read one row of each table: a truncated file fails here rather than mid-sync."""
    for table in ("meta", "items", "attachments", "history", "item_keys"):
        conn.execute(f"SELECT * FROM {table} ORDER BY rowid DESC LIMIT 1").fetchall()  # noqa: S608


#: Columns added after version 1: (table, column, declaration).
_ADDED_COLUMNS = (
    ("attachments", "sha256", "TEXT"),
    ("attachments", "stage", "TEXT NOT NULL DEFAULT 'create'"),
    ("attachments", "error_code", "TEXT"),
    ("items", "cancel_reason", "TEXT"),
    ("items", "cancel_requested_at", "REAL"),
    # version 3: the hub's storage seam (unused by a till) and photo sizes kept apart from
    # their bytes (sealed bytes are longer than the photo)
    ("items", "lease_session", "INTEGER"),
    ("attachments", "size", "INTEGER"),
)


def _create_schema(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        for table, column, declaration in _ADDED_COLUMNS:
            present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key)"
            " DO UPDATE SET value = excluded.value"
            " WHERE CAST(meta.value AS INTEGER) < CAST(excluded.value AS INTEGER)",
            (str(SCHEMA_VERSION),),
        )
        _key_items_by_kind(conn)


def _key_items_by_kind(conn: sqlite3.Connection) -> None:
    """Items are keyed by (kind, business key): ``vehicle_code`` holds an e-bike's vehicle
    code or a car's VIN. A file from before cars gets the column (its items are e-bikes)."""
    columns = {row["name"] for row in conn.execute("PRAGMA table_info(items)")}
    if "kind" not in columns:
        conn.execute("ALTER TABLE items ADD COLUMN kind TEXT NOT NULL DEFAULT 'ebike'")
    # One live item per vehicle: a double click or a second till cannot queue it twice.
    # A cancelled sale (退货) frees its vehicle too: the index of version 2 says so.
    conn.execute("DROP INDEX IF EXISTS items_live_vehicle")
    found = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'items_live_business_key'"
    ).fetchone()
    if found is not None and "cancelled" not in str(found[0]):
        conn.execute("DROP INDEX items_live_business_key")  # made before cancellations
    conn.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS items_live_business_key"
        " ON items (kind, vehicle_code) WHERE status NOT IN ('rejected', 'cancelled')"
    )


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that holds the database's write lock from its first statement."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class SQLiteBackend:
    """One till's outbox: a file on a local disk, one connection shared by the threads.

    Writers are serialised by the file's write lock (``BEGIN IMMEDIATE``), so the claim's
    plain ``SELECT ... LIMIT 1`` is already exclusive; a lease names its holder's process,
    which another process on this host can see is gone (:mod:`vehreg_sdk._procs`).
    """

    engine = "sqlite"
    row_lock = ""
    integrity_errors: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        self._lock = threading.RLock()
        self._conn = connect(path)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, transaction(self._conn) as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    def pick_due(
        self, conn: Any, due: float, now: float, stores: Sequence[str] | None
    ) -> tuple[str, bool] | None:
        released = _release_orphans(conn, now)
        where, params = stores_clause(stores)
        row = conn.execute(
            DUE_SQL.format(dead="0", stores=where), (due, now, now, *params)
        ).fetchone()
        if row is None:
            return None
        return row["local_id"], row["local_id"] in released

    def lease_session(self) -> int | None:
        return None

    def after_erase(self) -> None:
        with self._lock:
            # The old pages may still sit in the WAL: copy the zeroed ones back and empty it.
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def schema_version(self) -> int:
        with self._lock:
            row = self._conn.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> tuple[int, int]:
        """Opening the file already migrated it (in one ``BEGIN IMMEDIATE``)."""
        version = self.schema_version()
        return version, version

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _release_orphans(conn: Any, now: float) -> set[str]:
    """End the leases of holders on this host whose process is gone (a power cut, a kill).

    Such an item is taken at once, in the same transaction, instead of after the lease;
    it is resent with the same key, so the bureau answers with the first registration if
    the dead holder's request had in fact arrived.
    """
    released: set[str] = set()
    rows = conn.execute(
        "SELECT local_id, lease_owner FROM items"
        " WHERE lease_owner IS NOT NULL AND lease_expires_at >= ?",
        (now,),
    ).fetchall()
    for row in rows:
        if _procs.holder_gone(row["lease_owner"]):
            conn.execute(
                "UPDATE items SET lease_expires_at = ? WHERE local_id = ?",
                (now - 1.0, row["local_id"]),
            )
            released.add(row["local_id"])
            logger.info(
                "outbox: %s was held by %s, which is gone", row["local_id"], row["lease_owner"]
            )
    return released
