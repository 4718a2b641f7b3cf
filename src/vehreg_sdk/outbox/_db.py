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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from .. import _fs
from ._models import OutboxDamaged

SCHEMA_VERSION = 2

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
    path: Path


S = TypeVar("S", bound=_HasPath)
P = ParamSpec("P")
R = TypeVar("R")


def guarded(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Turn SQLite's "malformed" errors met after opening into :class:`OutboxDamaged`."""

    @functools.wraps(method)
    def wrapper(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            raise OutboxDamaged(self.path, str(exc)) from None

    return wrapper  # type: ignore[return-value]  # functools' wrapper type, same call


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
    for table in ("meta", "items", "attachments", "history"):
        conn.execute(f"SELECT * FROM {table} ORDER BY rowid DESC LIMIT 1").fetchall()  # noqa: S608


#: Columns added after version 1: (table, column, declaration).
_ADDED_COLUMNS = (
    ("attachments", "sha256", "TEXT"),
    ("attachments", "stage", "TEXT NOT NULL DEFAULT 'create'"),
    ("attachments", "error_code", "TEXT"),
    ("items", "cancel_reason", "TEXT"),
    ("items", "cancel_requested_at", "REAL"),
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
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
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
