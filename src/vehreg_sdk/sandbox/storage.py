"""SQLite storage of the sandbox bureau: WAL on disk, one connection per unit of work.

Why this shape: each unit of work borrows its own connection from a small pool
(so any thread may call, and several processes may share the file), and the
pool keeps connections open, because closing the last one makes SQLite
checkpoint and fsync the WAL every time. Writes run in
``BEGIN IMMEDIATE`` so two writers never interleave, and the business key (one
live registration per vehicle code) is a partial UNIQUE index, so even racing
processes get exactly one winner.

Personal data: a registration keeps the owner only in masked form. A batch
item's request body (the unmasked owner) is kept only until the item is
processed. Every connection runs with ``secure_delete``, so a purged or
overwritten value is zeroed in the file rather than left in free space, and
:meth:`Database.checkpoint` truncates the write-ahead log that may still hold
the old page images.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .car_storage import CAR_SCHEMA, TEMPORARY_PLATE_SCHEMA

#: Bump when the schema changes incompatibly; an older file is refused, not corrupted.
SCHEMA_VERSION = "1"

LIVE_EXCLUDED_STATUSES = ("rejected", "cancelled")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dealers (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    app_key    TEXT NOT NULL UNIQUE,
    app_secret TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stores (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    dealer_id     TEXT NOT NULL REFERENCES dealers(id),
    name          TEXT NOT NULL,
    address       TEXT NOT NULL,
    district_code TEXT NOT NULL,
    phone         TEXT
);
CREATE TABLE IF NOT EXISTS nonces (
    app_key TEXT NOT NULL,
    nonce   TEXT NOT NULL,
    seen_at REAL NOT NULL,
    PRIMARY KEY (app_key, nonce)
);
CREATE INDEX IF NOT EXISTS nonces_by_age ON nonces (seen_at);
CREATE TABLE IF NOT EXISTS idempotency (
    dealer_id    TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    status       INTEGER,
    content_type TEXT,
    body         BLOB,
    created_at   REAL NOT NULL,
    PRIMARY KEY (dealer_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_by_age ON idempotency (created_at);
CREATE TABLE IF NOT EXISTS uploads (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    dealer_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    created_at   REAL NOT NULL,
    data         BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS registrations (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    dealer_id     TEXT NOT NULL,
    store_id      TEXT NOT NULL,
    vehicle_code  TEXT NOT NULL,
    status        TEXT NOT NULL,
    plate_number  TEXT,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL,
    review_due_at REAL,
    review_round  INTEGER NOT NULL DEFAULT 0,
    retakes       TEXT NOT NULL DEFAULT '[]',
    doc           TEXT NOT NULL
);
-- The durable business key: at most one live registration per vehicle code.
CREATE UNIQUE INDEX IF NOT EXISTS registrations_one_live_per_vehicle
    ON registrations (vehicle_code) WHERE status NOT IN ('rejected', 'cancelled');
CREATE UNIQUE INDEX IF NOT EXISTS registrations_one_live_per_plate
    ON registrations (plate_number) WHERE status NOT IN ('rejected', 'cancelled');
CREATE INDEX IF NOT EXISTS registrations_by_dealer ON registrations (dealer_id, seq);
CREATE INDEX IF NOT EXISTS registrations_review_due
    ON registrations (review_due_at) WHERE review_due_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    dealer_id  TEXT NOT NULL,
    type       TEXT NOT NULL,
    created_at REAL NOT NULL,
    doc        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_dealer ON events (dealer_id, seq);
CREATE TABLE IF NOT EXISTS webhook_endpoints (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    dealer_id  TEXT NOT NULL,
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,
    secret     TEXT NOT NULL,
    created_at REAL NOT NULL,
    deleted_at REAL
);
-- The secret a rotation replaced, still signing deliveries until expires_at.
CREATE TABLE IF NOT EXISTS webhook_previous_secrets (
    endpoint_id TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    expires_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id     TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error      TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS plate_revocations (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id TEXT NOT NULL UNIQUE,
    reason          TEXT NOT NULL,
    revoked_at      REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS review_scripts (
    registration_id TEXT PRIMARY KEY,
    outcome         TEXT NOT NULL,
    reasons         TEXT NOT NULL
);
-- The rate limiter's token bucket per dealer, shared by every worker process.
CREATE TABLE IF NOT EXISTS rate_buckets (
    dealer_id  TEXT PRIMARY KEY,
    tokens     REAL NOT NULL,
    updated_at REAL NOT NULL
);
"""


def schema_script() -> str:
    """Every table of the bureau, in SQLite's dialect (PostgreSQL gets it translated)."""
    return _SCHEMA + CAR_SCHEMA + TEMPORARY_PLATE_SCHEMA


def check_schema_version(conn: sqlite3.Connection, where: str) -> None:
    """Record the schema version in a new database; refuse one made by another version."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
        )
    elif row[0] != SCHEMA_VERSION:
        raise RuntimeError(
            f"{where} has sandbox schema {row[0]}, this version needs {SCHEMA_VERSION}; "
            "delete the file or pass another --db"
        )


def is_postgres_url(target: object) -> bool:
    """True for ``postgresql://…`` / ``postgres://…`` (the sandbox on a shared server)."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def open_database(target: Path | str) -> Database:
    """The bureau's database: a SQLite file (the default), or a PostgreSQL URL."""
    if is_postgres_url(target):
        from ._db_postgres import PostgresDatabase

        return PostgresDatabase(str(target))
    return Database(Path(target))


class Database:
    """The bureau's SQLite file. Each unit of work borrows a pooled connection.

    :func:`open_database` opens this or, for a ``postgresql://`` URL, its
    PostgreSQL twin (``_db_postgres.PostgresDatabase``), which serves several
    worker processes.
    """

    backend = "sqlite"

    #: Idle connections kept open for reuse.
    POOL_SIZE = 8

    def __init__(self, path: Path) -> None:
        self.path = path
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._connect()
        try:
            # idempotent: every statement is IF NOT EXISTS
            conn.executescript(schema_script())
        finally:
            conn.close()
        with self.write() as conn:
            check_schema_version(conn, str(path))

    @property
    def location(self) -> str:
        """Where the data lives, for banners (the file; a URL without its password)."""
        return str(self.path)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        # WAL lets readers run beside the single writer; the setting persists in the file.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA busy_timeout = 30000")
        # Deleted and overwritten content is zeroed, not left readable in free space.
        conn.execute("PRAGMA secure_delete = ON")
        return conn

    def _acquire(self) -> sqlite3.Connection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self._connect()

    def _release(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:  # never hand out a connection in an unknown state
            conn.close()
            return
        with self._lock:
            if not self._closed and len(self._idle) < self.POOL_SIZE:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        """Close the idle connections (the file can then be deleted, also on Windows).

        Connections in use are closed when they are given back.
        """
        with self._lock:
            idle, self._idle = self._idle, []
            self._closed = True
        for conn in idle:
            conn.close()

    def reopen(self) -> None:
        """Pool connections again after :meth:`close` (a server started a second time)."""
        with self._lock:
            self._closed = False

    def checkpoint(self) -> bool:
        """Copy the write-ahead log into the file and truncate it to zero bytes.

        Waits (up to the busy timeout) for readers of older snapshots. True when
        the log was emptied; False when a reader kept it (the next call retries).
        """
        with self.read() as conn:
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        return int(busy) == 0

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads (autocommit; each statement sees a consistent snapshot)."""
        conn = self._acquire()
        try:
            yield conn
        finally:
            self._release(conn)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on any error."""
        conn = self._acquire()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            self._release(conn)

    def set_meta_if_absent(self, key: str, value: str) -> str:
        """Store ``value`` under ``key`` unless a value exists; return the stored value."""
        with self.write() as conn:
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0])
