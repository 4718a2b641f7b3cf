"""The sandbox bureau on PostgreSQL: the sqlite3 subset the sandbox uses, over psycopg 3.

Why an adapter and not a rewrite: some 150 statements in the sandbox's modules
are written for sqlite3 (``?`` placeholders, ``INSERT OR IGNORE``, rows read by
name and by index). :class:`PgConnection` offers that subset (``execute``,
``executemany``, ``executescript``, cursors with ``fetchone``/``fetchall``/
``rowcount``/``lastrowid``, rows like :class:`sqlite3.Row`), and
:mod:`._pg_dialect` translates each statement once (cached), so every module runs
unchanged on both engines.

Correctness carries over from SQLite because the locking does: SQLite's
``BEGIN IMMEDIATE`` lets one writer at a time into the file, and here every write
transaction first takes one transaction-level advisory lock
(``pg_advisory_xact_lock``), so writers from every worker process queue up the
same way, and each statement after the lock sees every earlier commit (READ
COMMITTED). Business keys stay partial UNIQUE indexes; a violation is raised as
:class:`sqlite3.IntegrityError`, the exception the modules already catch.
Reads run in autocommit, one snapshot per statement, as on SQLite.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import psycopg
import psycopg.errors
from psycopg.pq import TransactionStatus

from ._pg_dialect import translate, translate_ddl
from .storage import Database, check_schema_version, schema_script

#: Advisory lock keys (per database): the writer's lock, like SQLite's RESERVED lock.
WRITE_LOCK_KEY = 0x7665_6872_6567_0001  # "vehreg" + 1


class Row(Sequence[Any]):
    """A result row read by index or by column name, like :class:`sqlite3.Row`."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = tuple(values)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return self._values[self._index[key]]
            except KeyError:
                raise IndexError(f"No item with that key: {key}") from None
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._values == other._values and self._index == other._index
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: Any) -> Any:
    description = cursor.description or []
    index = {column.name: position for position, column in enumerate(description)}
    return lambda values: Row(index, values)


def _convert(exc: psycopg.Error) -> Exception:
    """psycopg's errors as the sqlite3 ones the sandbox's modules catch."""
    if isinstance(exc, psycopg.errors.IntegrityError):
        return sqlite3.IntegrityError(str(exc))
    if isinstance(exc, psycopg.OperationalError):
        return sqlite3.OperationalError(str(exc))
    return sqlite3.DatabaseError(str(exc))


class PgCursor:
    """The result of one statement: rows, the row count and the new row's identity."""

    def __init__(self, cursor: psycopg.Cursor[Any], returns_id: bool) -> None:
        self._cursor = cursor
        self.rowcount = cursor.rowcount
        self.lastrowid: int | None = None
        if returns_id:
            row = cursor.fetchone()
            self.lastrowid = None if row is None else int(row[0])

    def fetchone(self) -> Any:
        if self._cursor.description is None:
            return None
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        if self._cursor.description is None:
            return []
        return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConnection:
    """One psycopg connection behind the sqlite3 calls the sandbox makes."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> PgCursor:
        statement, identity = translate(sql)
        if identity is not None:  # sqlite3's lastrowid
            statement += f" RETURNING {identity}"
        cursor = self.raw.cursor()
        try:
            # Always a tuple, even empty: psycopg then reads "%%" as a literal "%".
            cursor.execute(statement, tuple(parameters))
        except psycopg.Error as exc:
            raise _convert(exc) from exc
        return PgCursor(cursor, identity is not None)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]]) -> PgCursor:
        statement, _ = translate(sql)
        cursor = self.raw.cursor()
        try:
            cursor.executemany(statement, [tuple(p) for p in seq_of_parameters])
        except psycopg.Error as exc:
            raise _convert(exc) from exc
        return PgCursor(cursor, False)

    def executescript(self, script: str) -> None:
        for statement in translate_ddl(script):
            self.execute(statement)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE


def connect(url: str) -> PgConnection:
    """An autocommit connection (reads are one statement each, like sqlite3 here)."""
    try:
        conn = psycopg.connect(
            url,
            autocommit=True,
            row_factory=_row_factory,
            cursor_factory=psycopg.ClientCursor,
            connect_timeout=30,
            application_name="vehreg-sandbox",
            # As SQLite's busy timeout: a writer waits up to 30 s for the lock, then fails.
            options="-c lock_timeout=30s",
        )
    except psycopg.Error as exc:
        raise _convert(exc) from exc
    return PgConnection(conn)


class PostgresPool:
    """Idle connections kept for reuse; any thread may borrow one."""

    POOL_SIZE = 8

    def __init__(self, url: str) -> None:
        self.url = url
        self._idle: list[PgConnection] = []
        self._lock = threading.Lock()
        self._closed = False

    def acquire(self) -> PgConnection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return connect(self.url)

    def release(self, conn: PgConnection) -> None:
        if conn.raw.closed or conn.raw.broken or conn.in_transaction:  # broken or unknown state
            conn.raw.close()
            return
        with self._lock:
            if not self._closed and len(self._idle) < self.POOL_SIZE:
                self._idle.append(conn)
                return
        conn.raw.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            self._closed = True
        for conn in idle:
            conn.raw.close()

    def reopen(self) -> None:
        with self._lock:
            self._closed = False

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        conn = self.acquire()
        try:
            # The modules are typed against sqlite3; this object offers what they call.
            yield cast(sqlite3.Connection, conn)
        finally:
            self.release(conn)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A transaction holding the writer's lock: committed on success, else rolled back."""
        conn = self.acquire()
        try:
            try:
                with conn.raw.transaction():
                    conn.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
                    yield cast(sqlite3.Connection, conn)
            except psycopg.Error as exc:  # raised at COMMIT (a deferred constraint, a lost link)
                raise _convert(exc) from exc
        finally:
            self.release(conn)


def redacted(url: str) -> str:
    """The URL without its password, for banners and logs."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


class PostgresDatabase(Database):
    """The bureau's tables in a PostgreSQL database, shared by every worker process.

    Same interface as the SQLite :class:`~vehreg_sdk.sandbox.storage.Database`;
    it has no file, so :attr:`path` is not set (use :attr:`location`).
    """

    backend = "postgresql"

    def __init__(self, url: str) -> None:  # no file: the SQLite set-up does not apply
        self.url = url
        self._pool = PostgresPool(url)
        # Under the writer's lock: N workers starting together create the schema in turn.
        with self._pool.write() as conn:
            for statement in translate_ddl(schema_script()):
                conn.execute(statement)
            check_schema_version(conn, redacted(url))

    @property
    def location(self) -> str:
        return redacted(self.url)

    def close(self) -> None:
        self._pool.close()

    def reopen(self) -> None:
        self._pool.reopen()

    def checkpoint(self) -> bool:
        """Nothing to truncate: PostgreSQL has no write-ahead log file beside the data.

        Purged values linger in dead row versions until VACUUM reuses the space
        (autovacuum does); the sandbox holds fictional test data only.
        """
        return True

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._pool.read() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self._pool.write() as conn:
            yield conn
