"""The outbox on PostgreSQL: one hub's queue shared by many sync workers on many hosts.

* Writes run side by side on a connection pool (psycopg 3, ``psycopg_pool``), in READ
  COMMITTED transactions that lock the item rows they change (``FOR UPDATE``).
* A claim takes the next due row with ``FOR UPDATE SKIP LOCKED``: workers never queue
  behind each other's rows and never take the same one.
* A worker's lease is tied to its database session: on its first claim the worker opens
  a session of its own and takes a session-level advisory lock on a random key, written
  on every item it leases (``lease_session``). If the worker dies (kill -9, a lost host,
  a cut network) the server ends the session and the lock with it, and the next claim by
  any worker sees the item's holder gone and retakes it at once. No process id, no clock.
* Uniqueness is the database's: the local id is the primary key (the bureau's
  Idempotency-Key), ``dedupe_key`` is unique, one live item per (kind, business key) is
  a partial unique index.
* The schema is versioned (``schema_migrations``); :meth:`PostgresBackend.migrate` holds a
  transaction-level advisory lock while it runs, so workers starting together or a deploy
  running ``vehreg outbox migrate`` beside live workers apply each version once.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

from ..privacy import masked_logger
from ._backend import DUE_SQL, OutboxSchemaMismatch, OutboxUnavailable, stores_clause

logger = masked_logger("vehreg_sdk.outbox")

#: The first key of the outbox's advisory locks (two-int form): "VO" (vehreg outbox).
LOCK_SPACE = 0x564F
#: The second key of the migration lock; worker session keys are drawn from 1..2^31-1.
MIGRATION_LOCK = 0

#: (version, name, statements). Append only; never edit a released one.
MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "items, attachments, history, meta, item keys",
        (
            """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS items (
                local_id            TEXT PRIMARY KEY,
                store_id            TEXT NOT NULL,
                vehicle_code        TEXT NOT NULL,
                payload             TEXT NOT NULL,
                revision            INTEGER NOT NULL DEFAULT 0,
                status              TEXT NOT NULL,
                dedupe_key          TEXT UNIQUE,
                source              TEXT NOT NULL DEFAULT 'api',
                meta                TEXT NOT NULL DEFAULT '{}',
                attempts            INTEGER NOT NULL DEFAULT 0,
                next_attempt_at     DOUBLE PRECISION NOT NULL,
                lease_owner         TEXT,
                lease_expires_at    DOUBLE PRECISION,
                lease_session       BIGINT,
                registration_id     TEXT,
                plate_number        TEXT,
                plate_token         TEXT,
                registration        TEXT,
                errors              TEXT NOT NULL DEFAULT '[]',
                last_error_code     TEXT,
                created_at          DOUBLE PRECISION NOT NULL,
                updated_at          DOUBLE PRECISION NOT NULL,
                kind                TEXT NOT NULL DEFAULT 'ebike',
                cancel_reason       TEXT,
                cancel_requested_at DOUBLE PRECISION
            )""",
            "CREATE INDEX IF NOT EXISTS items_due ON items (status, next_attempt_at)",
            "CREATE INDEX IF NOT EXISTS items_updated ON items (updated_at)",
            "CREATE INDEX IF NOT EXISTS items_store ON items (store_id)",
            """CREATE UNIQUE INDEX IF NOT EXISTS items_live_business_key
                ON items (kind, vehicle_code) WHERE status NOT IN ('rejected', 'cancelled')""",
            """CREATE TABLE IF NOT EXISTS attachments (
                local_id     TEXT NOT NULL REFERENCES items (local_id),
                seq          INTEGER NOT NULL,
                kind         TEXT NOT NULL,
                filename     TEXT NOT NULL,
                content_type TEXT NOT NULL,
                data         BYTEA NOT NULL,
                size         INTEGER,
                upload_id    TEXT,
                sha256       TEXT,
                stage        TEXT NOT NULL DEFAULT 'create',
                error_code   TEXT,
                PRIMARY KEY (local_id, seq)
            )""",
            """CREATE TABLE IF NOT EXISTS history (
                id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                local_id    TEXT NOT NULL REFERENCES items (local_id),
                at          DOUBLE PRECISION NOT NULL,
                actor       TEXT NOT NULL,
                from_status TEXT,
                to_status   TEXT NOT NULL,
                event       TEXT NOT NULL,
                detail      TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX IF NOT EXISTS history_item ON history (local_id, id)",
            # The data keys of sealed items, apart from the rows they open: purging an
            # item deletes its key, and its sealed bytes (wherever old row versions
            # linger) can no longer be read.
            """CREATE TABLE IF NOT EXISTS item_keys (
                local_id TEXT PRIMARY KEY REFERENCES items (local_id),
                wrapped  BYTEA NOT NULL
            )""",
        ),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]

#: Session keys of live workers, as the server sees them (a hashed subplan: one scan).
_LIVE_SESSIONS = (
    "(SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted"  # noqa: S608
    f" AND classid = {LOCK_SPACE} AND objsubid = 2"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))"
)
_DEAD = f"(lease_session IS NOT NULL AND lease_session NOT IN {_LIVE_SESSIONS})"


def redact_url(url: str) -> str:
    """The URL without its password: ``postgresql://hub:***@db:5432/outbox``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class _Row(tuple):  # type: ignore[type-arg]  # a row of any values
    """A row read by position or by column name, like ``sqlite3.Row``."""

    _names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


_ROW_TYPES: dict[tuple[str, ...], type[_Row]] = {}


def _row_factory(cursor: Any) -> Any:
    names = tuple(d.name for d in cursor.description or ())
    row_type = _ROW_TYPES.get(names)
    if row_type is None:
        index = {name: i for i, name in enumerate(names)}
        row_type = _ROW_TYPES[names] = type("Row", (_Row,), {"_names": index})
    return row_type


class _Conn:
    """A psycopg connection speaking the outbox's ``?`` SQL."""

    _translated: ClassVar[dict[str, str]] = {}

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Any:
        text = self._translated.get(sql)
        if text is None:
            text = self._translated[sql] = sql.replace("%", "%%").replace("?", "%s")
        return self._conn.execute(text, tuple(params))


class PostgresBackend:
    engine = "postgresql"
    row_lock = " FOR UPDATE"

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 4,
        migrate: bool = True,
        check: bool = True,
        connect_timeout_s: float = 10.0,
    ) -> None:
        """``migrate``: bring the schema up to date first; else, with ``check``, refuse a
        schema older than this code (``vehreg outbox migrate`` opens with neither)."""
        import psycopg
        from psycopg_pool import ConnectionPool

        self.path = None
        self.url = url
        self.location = redact_url(url)
        self.integrity_errors: tuple[type[BaseException], ...] = (psycopg.IntegrityError,)
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max(pool_size, 1),
            kwargs={"autocommit": True, "row_factory": _row_factory},
            open=False,
            name="vehreg-outbox",
        )
        # Fail fast at start-up (a wrong URL, the server down): the pool would otherwise
        # retry for its whole timeout. Later losses are retried by the pool.
        psycopg.connect(url, connect_timeout=max(int(connect_timeout_s), 1)).close()
        self._pool.open(wait=True, timeout=connect_timeout_s)
        self._session: Any = None
        self._session_key: int | None = None
        self._session_lock = threading.Lock()
        try:
            if migrate:
                self.migrate()
            found = self.schema_version()
            if found > SCHEMA_VERSION or (found < SCHEMA_VERSION and check):
                raise OutboxSchemaMismatch(self.location, found, SCHEMA_VERSION)
        except BaseException:
            self._pool.close()
            raise

    @classmethod
    def open(cls, url: str, **options: Any) -> PostgresBackend:
        """As the constructor, but a server that cannot be reached is
        :class:`OutboxUnavailable` (a typed, bilingual error), not a driver exception."""
        from ._db import is_unreachable

        try:
            return cls(url, **options)
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            raise OutboxUnavailable(redact_url(url), type(exc).__name__) from None

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def write(self) -> Iterator[_Conn]:
        with self._pool.connection() as conn, conn.transaction():
            yield _Conn(conn)

    @contextmanager
    def read(self) -> Iterator[_Conn]:
        with self._pool.connection() as conn:
            yield _Conn(conn)

    # ------------------------------------------------------------------ claim and lease
    def pick_due(
        self, conn: Any, due: float, now: float, stores: Sequence[str] | None
    ) -> tuple[str, bool] | None:
        where, params = stores_clause(stores)
        sql = DUE_SQL.format(dead=_DEAD, stores=where) + " FOR UPDATE SKIP LOCKED"
        row = conn.execute(sql, (due, now, now, *params)).fetchone()
        return None if row is None else (row["local_id"], bool(row["orphaned"]))

    def lease_session(self) -> int:
        """This process's session key, its advisory lock held on a connection of its own
        (opened on the first claim, opened again with a new key if the server lost it)."""
        with self._session_lock:
            if self._session is not None and self._session_alive():
                assert self._session_key is not None
                return self._session_key
            import psycopg

            if self._session is not None:
                self._session.close()
            self._session = psycopg.connect(self.url, autocommit=True)
            while True:
                key = random.randint(1, 2**31 - 1)  # a name, not a secret
                got = self._session.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", (LOCK_SPACE, key)
                ).fetchone()
                if got and got[0]:
                    self._session_key = key
                    logger.info("outbox: worker session %s on %s", key, self.location)
                    return key

    def _session_alive(self) -> bool:
        try:
            self._session.execute("SELECT 1").fetchone()
        except Exception:  # the server or the network dropped it: its lock is gone too
            return False
        return True

    def after_erase(self) -> None:
        """Nothing to do: purged items lose their keys (see :mod:`._crypto`)."""

    # ------------------------------------------------------------------ schema
    def schema_version(self) -> int:
        with self._pool.connection() as conn:
            exists = conn.execute("SELECT to_regclass('schema_migrations')").fetchone()
            if exists is None or exists[0] is None:
                return 0
            found = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
            return int(found[0] or 0) if found else 0

    def migrate(self) -> tuple[int, int]:
        with self._pool.connection() as conn, conn.transaction():
            # Held to the end of this transaction: one migrator at a time, however many
            # workers start together; the others then find the versions applied.
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_SPACE, MIGRATION_LOCK))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                " name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            applied = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
            before = max(applied, default=0)
            for version, name, statements in MIGRATIONS:
                if version in applied:
                    continue
                for statement in statements:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                    (version, name),
                )
                logger.info("outbox: migrated %s to version %s (%s)", self.location, version, name)
            return before, max(before, SCHEMA_VERSION)

    def close(self) -> None:
        with self._session_lock:
            if self._session is not None:
                self._session.close()
                self._session = None
        self._pool.close()
