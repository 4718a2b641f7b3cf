"""The bulk journal: one SQLite file (WAL) that remembers each row's key and outcome.

Why a journal: a run of thousands of rows will be interrupted (Ctrl-C, a
crash, a power cut at the shop). The journal is written *before* a row is
sent (``pending``) and again when its outcome is known, each step in its own
committed transaction, so a rerun knows exactly what happened:

* ``registered`` / ``rejected`` rows whose content has not changed are not sent
  again; their outcome is reported from the journal;
* ``pending`` rows (sent, outcome unknown because the run died) and ``failed``
  rows (network down, bureau unavailable) are sent again with the *same*
  ``client_reference``. The bureau keeps each reference's outcome durably, so
  the resend returns the first outcome instead of registering the bike twice.

Outcomes are keyed by ``client_reference``, not by row number, so fixing or
deleting rows of the file between runs cannot confuse the journal; each run
lists its rows (row number -> key) separately, so a result keeps reading its
own run. Rows refused locally (``invalid``) are kept in that list with their
errors, since they never got a key on the bureau; rows sent with warnings
(an owner under 16 where that is a warning, one person with two bikes) keep
them there too, so the flag reaches the final report. No personal data is
stored: only keys, fingerprints, ids, plates and
the bilingual error messages (whose values are already masked).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .._errors import VehregError

__all__ = ["Journal", "JournalError", "JournalRow", "RowStatus"]

RowStatus = Literal["pending", "registered", "rejected", "failed", "invalid"]
#: Outcomes a rerun does not send again (for the same content).
FINAL: frozenset[str] = frozenset({"registered", "rejected"})
#: References looked up per query (SQLite allows at least 999 parameters).
_IN_LIMIT = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    client_reference TEXT PRIMARY KEY,
    fingerprint      TEXT NOT NULL,
    status           TEXT NOT NULL,
    registration_id  TEXT,
    plate_number     TEXT,
    batch_id         TEXT,
    errors           TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    updated_at       REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS run_rows (
    run_id           INTEGER NOT NULL,
    row_number       INTEGER NOT NULL,
    client_reference TEXT,
    resumed          INTEGER NOT NULL DEFAULT 0,
    errors           TEXT,
    warnings         TEXT,
    PRIMARY KEY (run_id, row_number)
);
"""


class JournalError(VehregError, RuntimeError):
    """The journal belongs to another store or is unusable; bilingual."""


@dataclass(slots=True)
class JournalRow:
    """A row's outcome as the journal holds it."""

    row_number: int
    client_reference: str | None
    status: RowStatus
    registration_id: str | None = None
    plate_number: str | None = None
    batch_id: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    resumed: bool = False
    """True when the outcome was known from an earlier, interrupted run."""
    warnings: list[dict[str, Any]] = field(default_factory=list)
    """The row's warnings (flags that did not stop it), as found by this run's checks."""


class Journal:
    """A bulk run's journal on disk. Not shared between threads; one writer at a time.

    ``Journal(path, store_id=...)`` opens or creates the file; every
    :meth:`begin_run` starts a numbered run whose rows :meth:`rows` returns.
    """

    def __init__(self, path: str | Path, *, store_id: str, source: str = "") -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: explicit BEGIN/COMMIT, so each step is one durable transaction.
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._upgrade()
            self._claim(store_id, source)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise JournalError(
                f"{self.path} is not a bulk journal ({exc})",
                f"{self.path} 不是批量登记日志（{exc}）",
            ) from exc
        self.store_id = store_id
        self.run_id = 0

    def _claim(self, store_id: str, source: str) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
        if row is None:
            with self._tx():
                self._db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("store_id", store_id), ("source", source), ("created_at", str(time.time()))],
                )
        elif row[0] != store_id:
            raise JournalError(
                f"the journal {self.path.name} belongs to store {row[0]}, not {store_id}; "
                "use another --journal file",
                f"日志 {self.path.name} 属于门店 {row[0]}，不是 {store_id}；"
                "请换一个 --journal 文件",
            )

    def _upgrade(self) -> None:
        """Add what later versions keep to a journal written by an earlier one."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(run_rows)")}
        if "warnings" not in columns:
            self._db.execute("ALTER TABLE run_rows ADD COLUMN warnings TEXT")

    def _tx(self) -> _Transaction:
        return _Transaction(self._db)

    # ------------------------------------------------------------------ runs
    def begin_run(self) -> int:
        """Start a new run; its number tags every row this run sees."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'runs'").fetchone()
        self.run_id = int(row[0]) + 1 if row else 1
        with self._tx():
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('runs', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(self.run_id),),
            )
        return self.run_id

    # ------------------------------------------------------------------ writes
    def claim(
        self,
        rows: Sequence[tuple[str, str, int]],
        warnings: Mapping[int, list[dict[str, Any]]] | None = None,
    ) -> tuple[list[tuple[str, str, int]], list[JournalRow]]:
        """Record rows about to be sent: ``(client_reference, fingerprint, row_number)`` each.

        Returns ``(to_send, known)``: the rows to send now (marked ``pending``)
        and the rows whose final outcome for the same content is already in the
        journal (``resumed``: they are not sent again). ``warnings`` maps row
        numbers to the warnings this run's checks found on them.
        """
        flags = warnings or {}
        to_send: list[tuple[str, str, int]] = []
        known: list[JournalRow] = []
        now = time.time()
        with self._tx():
            found = self._final_outcomes([reference for reference, _, _ in rows])
            listed: list[tuple[int, int, str, int, str | None]] = []
            pending: list[tuple[str, str, float]] = []
            for reference, fingerprint, row_number in rows:
                resumed = found.get(reference) == fingerprint
                flagged = flags.get(row_number)
                listed.append((self.run_id, row_number, reference, int(resumed), _json(flagged)))
                if resumed:
                    outcome = self._get(reference)
                    outcome.row_number, outcome.resumed = row_number, True
                    outcome.warnings = list(flagged or ())
                    known.append(outcome)
                    continue
                pending.append((reference, fingerprint, now))
                to_send.append((reference, fingerprint, row_number))
            self._db.executemany(
                "INSERT OR REPLACE INTO run_rows"
                " (run_id, row_number, client_reference, resumed, warnings) VALUES (?, ?, ?, ?, ?)",
                listed,
            )
            self._db.executemany(_UPSERT_PENDING, pending)
        return to_send, known

    def _final_outcomes(self, references: Sequence[str]) -> dict[str, str]:
        """``reference -> fingerprint`` of those among ``references`` with a final outcome."""
        found: dict[str, str] = {}
        for start in range(0, len(references), _IN_LIMIT):
            part = references[start : start + _IN_LIMIT]
            marks = ",".join("?" * len(part))
            query = (
                "SELECT client_reference, fingerprint FROM items"  # noqa: S608 - only ? marks
                f" WHERE status IN ('registered', 'rejected') AND client_reference IN ({marks})"
            )
            found.update(self._db.execute(query, part).fetchall())
        return found

    def record(self, outcomes: Iterable[JournalRow]) -> None:
        """Store the outcomes of sent rows, all in one transaction."""
        now = time.time()
        with self._tx():
            self._db.executemany(
                "UPDATE items SET status = ?, registration_id = ?, plate_number = ?, batch_id = ?,"
                " errors = ?, updated_at = ? WHERE client_reference = ?",
                [
                    (
                        o.status,
                        o.registration_id,
                        o.plate_number,
                        o.batch_id,
                        json.dumps(o.errors, ensure_ascii=False) if o.errors else None,
                        now,
                        o.client_reference,
                    )
                    for o in outcomes
                ],
            )

    def note_batch(self, references: Iterable[str], batch_id: str) -> None:
        """Remember which bureau batch carries these pending rows."""
        with self._tx():
            self._db.executemany(
                "UPDATE items SET batch_id = ? WHERE client_reference = ?",
                [(batch_id, reference) for reference in references],
            )

    def record_invalid(self, rows: Sequence[tuple[int, str | None, list[dict[str, Any]]]]) -> None:
        """Rows refused locally, before any request, as ``(row_number, reference, errors)``."""
        if not rows:
            return
        with self._tx():
            self._db.executemany(
                "INSERT OR REPLACE INTO run_rows (run_id, row_number, client_reference, errors)"
                " VALUES (?, ?, ?, ?)",
                [
                    (self.run_id, number, reference, json.dumps(errors, ensure_ascii=False))
                    for number, reference, errors in rows
                ],
            )

    # ------------------------------------------------------------------ reads
    def _get(self, reference: str) -> JournalRow:
        row = self._db.execute(
            "SELECT 0, client_reference, status, registration_id, plate_number, batch_id,"
            " errors, 0, NULL FROM items WHERE client_reference = ?",
            (reference,),
        ).fetchone()
        return _row(row)

    def rows(self, run_id: int | None = None, *, status: str | None = None) -> Iterator[JournalRow]:
        """A run's rows (sent and refused locally) in row order, streamed from disk."""
        query = _RUN_ROWS
        params: list[Any] = [self.run_id if run_id is None else run_id]
        if status is not None:
            query += " AND COALESCE(i.status, 'invalid') = ?"
            params.append(status)
        for row in self._db.execute(query + " ORDER BY r.row_number", params):
            yield _row(row)

    def counts(self, run_id: int | None = None) -> dict[str, int]:
        """Rows per status in a run, plus ``resumed`` (outcomes known from an earlier run)
        and ``flagged`` (rows sent with warnings)."""
        run = self.run_id if run_id is None else run_id
        out = {s: 0 for s in ("registered", "rejected", "failed", "pending", "invalid")}
        for status, count in self._db.execute(
            "SELECT COALESCE(i.status, 'invalid'), COUNT(*) FROM run_rows r"
            " LEFT JOIN items i ON i.client_reference = r.client_reference AND r.errors IS NULL"
            " WHERE r.run_id = ? GROUP BY 1",
            (run,),
        ):
            out[status] = count
        out["resumed"], out["flagged"] = self._db.execute(
            "SELECT COALESCE(SUM(resumed = 1), 0), COALESCE(SUM(warnings IS NOT NULL), 0)"
            " FROM run_rows WHERE run_id = ?",
            (run,),
        ).fetchone()
        return out

    def outcome(self, reference: str) -> JournalRow | None:
        """The journal's latest record of one key, or None."""
        found = self._db.execute(
            "SELECT 1 FROM items WHERE client_reference = ?", (reference,)
        ).fetchone()
        return None if found is None else self._get(reference)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


_UPSERT_PENDING = """
INSERT INTO items (client_reference, fingerprint, status, attempts, updated_at)
VALUES (?, ?, 'pending', 1, ?)
ON CONFLICT (client_reference) DO UPDATE SET
    fingerprint = excluded.fingerprint, status = 'pending', registration_id = NULL,
    plate_number = NULL, batch_id = NULL, errors = NULL, attempts = items.attempts + 1,
    updated_at = excluded.updated_at
"""

_RUN_ROWS = (
    "SELECT r.row_number, r.client_reference, COALESCE(i.status, 'invalid'), i.registration_id,"
    " i.plate_number, i.batch_id, COALESCE(r.errors, i.errors), r.resumed, r.warnings"
    " FROM run_rows r"
    " LEFT JOIN items i ON i.client_reference = r.client_reference AND r.errors IS NULL"
    " WHERE r.run_id = ?"
)


def _row(row: Sequence[Any]) -> JournalRow:
    return JournalRow(
        row_number=row[0],
        client_reference=row[1],
        status=row[2],
        registration_id=row[3],
        plate_number=row[4],
        batch_id=row[5],
        errors=json.loads(row[6]) if row[6] else [],
        resumed=bool(row[7]),
        warnings=json.loads(row[8]) if row[8] else [],
    )


def _json(value: list[dict[str, Any]] | None) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (or ``ROLLBACK`` on error) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
