"""The durable store-and-forward queue: one SQLite file per shop, or a PostgreSQL hub."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ..privacy import masked_logger
from ..types import EbikeRegistrationCreate, VehicleRegistrationCreate
from . import _db
from ._core import StorageCore
from ._models import (
    TERMINAL_STATUSES,
    HistoryEntry,
    InvalidTransition,
    ItemNotFound,
    ItemStatus,
    OutboxHealth,
    OutboxItem,
    SyncReport,
    _ts,
)
from ._rows import PhotoInput, make_worker_id
from ._writes import NewItem, insert, photo_bytes

if TYPE_CHECKING:
    from ._dealers import DealerRouter
    from ._sync import RegistrationCallback, SyncClient

logger = masked_logger("vehreg_sdk.outbox")


DEFAULT_MAX_AGE = timedelta(hours=24)


class Outbox(StorageCore):
    """A durable queue of sales waiting for the bureau.

    ``Outbox("shop.db")`` (or no argument: the per-user default file) is one till's
    SQLite file; ``Outbox("postgresql://hub@db/outbox")`` is a vendor hub's queue on
    PostgreSQL (the ``[postgres]`` extra), shared by sync workers on several hosts.

    Safe to share between threads, and to open from several processes at once
    (tills, a cron job, the POS bridge; hub workers): a claim is one transaction with a
    lease, so no item is taken twice, and an item whose claimer crashed is retaken
    (at once when its holder is known to be gone, else after ``lease_seconds``) and
    resent with the same Idempotency-Key.

    ``key`` (32 bytes, or base64 text; else ``VEHREG_OUTBOX_KEY`` /
    ``VEHREG_OUTBOX_KEY_FILE``, on PostgreSQL also the keyring) seals the buyers'
    personal data and photos at rest and shreds them after delivery (see
    ``docs/hub.md``). A PostgreSQL outbox requires it; a till's file uses it when set.
    ``migrate=False`` makes a hub worker refuse a schema older than its code instead of
    migrating it (run ``vehreg outbox migrate`` at deploy time).
    """

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ enqueue
    @_db.guarded
    def enqueue(
        self,
        registration: EbikeRegistrationCreate | VehicleRegistrationCreate | Mapping[str, Any],
        *,
        photos: Sequence[PhotoInput] = (),
        dedupe_key: str | None = None,
        source: str = "api",
        actor: str = "clerk",
        meta: Mapping[str, Any] | None = None,
    ) -> OutboxItem:
        """Queue a sale and return once it is on disk (fsync'd), with its new ``local_id``.

        ``registration`` is validated as :class:`~vehreg_sdk.types.EbikeRegistrationCreate`,
        or as :class:`~vehreg_sdk.types.VehicleRegistrationCreate` for a car (a body with
        ``plate`` and ``invoice``); the domain rules run; a bad sale raises
        ``pydantic.ValidationError``. Items are keyed by (kind, vehicle code or VIN).
        ``dedupe_key`` (a POS sale id, a file hash) makes the call idempotent: a
        second enqueue with the same key returns the first item with
        ``replayed=True``. A vehicle code that already has a live item raises
        :class:`VehicleAlreadyQueued`.
        """
        new = NewItem.make(registration, photos)
        for attempt in (1, 2):
            try:
                with self._write() as conn:
                    item = insert(self, conn, new, dedupe_key, source, actor, meta)
                break
            except self._backend.integrity_errors:
                # A concurrent writer on a hub inserted the same key or vehicle first:
                # the second attempt sees its row (a replay, or VehicleAlreadyQueued).
                if attempt == 2:
                    raise
        if not item.replayed:
            logger.info(
                "outbox: queued %s vehicle=%s source=%s", item.local_id, item.vehicle_code, source
            )
        return item

    @_db.guarded
    def enqueue_many(
        self,
        registrations: Sequence[
            EbikeRegistrationCreate | VehicleRegistrationCreate | Mapping[str, Any]
        ],
        *,
        dedupe_keys: Sequence[str | None] | None = None,
        metas: Sequence[Mapping[str, Any] | None] | None = None,
        source: str = "api",
        actor: str = "clerk",
        photos: Sequence[Sequence[PhotoInput]] | None = None,
    ) -> builtins.list[OutboxItem]:
        """Queue several sales **all or nothing**, in one fsync'd transaction.

        ``photos[i]`` are sale ``i``'s photos, prepared as by :meth:`enqueue`.

        Each sale is handled as by :meth:`enqueue` (``dedupe_keys[i]`` and ``metas[i]``
        are its key and meta): a key seen before gives back that item with
        ``replayed=True``. If any sale is invalid, or its vehicle already has a live
        item (in the outbox, or earlier in the same batch), the error is raised and
        **none** of the sales is queued: a POS file is one unit of work.
        """
        count = len(registrations)
        keys = list(dedupe_keys) if dedupe_keys is not None else [None] * count
        extra = list(metas) if metas is not None else [None] * count
        if len(keys) != count or len(extra) != count:
            raise ValueError("dedupe_keys and metas need one entry per registration")
        # A known key is a replay: its sale is not validated again (keys are never removed,
        # so one found now is still there inside the transaction).
        known = {key for key in keys if key is not None and self.find(dedupe_key=key)}
        pictures = list(photos) if photos is not None else [()] * count
        if len(pictures) != count:
            raise ValueError("photos needs one entry per registration")
        prepared = [
            None if key in known else NewItem.make(registration, shots)
            for registration, key, shots in zip(registrations, keys, pictures, strict=True)
        ]
        for attempt in (1, 2):
            try:
                with self._write() as conn:  # one transaction: a failure rolls every row back
                    items = [
                        insert(self, conn, new, key, source, actor, meta)
                        for new, key, meta in zip(prepared, keys, extra, strict=True)
                    ]
                break
            except self._backend.integrity_errors:
                if attempt == 2:  # a concurrent hub writer won: see enqueue
                    raise
        for item in items:
            if not item.replayed:
                logger.info(
                    "outbox: queued %s vehicle=%s source=%s",
                    item.local_id,
                    item.vehicle_code,
                    source,
                )
        return items

    # ------------------------------------------------------------------ reading
    @_db.guarded
    def get(self, local_id: str) -> OutboxItem:
        with self._read() as conn:
            return self._get(conn, local_id)

    @_db.guarded
    def find(self, *, dedupe_key: str) -> OutboxItem | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT local_id FROM items WHERE dedupe_key = ?", (dedupe_key,)
            ).fetchone()
            return None if row is None else self._get(conn, row["local_id"])

    @_db.guarded
    def list(
        self,
        *,
        status: str | Iterable[str] | None = None,
        source: str | None = None,
        updated_since: float | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> builtins.list[OutboxItem]:
        """Items filtered by status (one or several), source and last change."""
        clauses: list[str] = []
        params: list[Any] = []
        if status is not None:
            wanted = [status] if isinstance(status, str) else list(status)
            clauses.append(f"status IN ({','.join('?' * len(wanted))})")
            params.extend(str(ItemStatus(s)) for s in wanted)
        if source is not None:
            clauses.append("source = ?")
            params.append(source)
        if updated_since is not None:
            clauses.append("updated_at >= ?")
            params.append(updated_since)
        sql = "SELECT * FROM items"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY created_at DESC" if newest_first else " ORDER BY created_at"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._read() as conn:
            rows = conn.execute(sql, params).fetchall()
            return [self._item(conn, row) for row in rows]

    @_db.guarded
    def counts(self) -> dict[str, int]:
        with self._read() as conn:
            rows = conn.execute("SELECT status, COUNT(*) FROM items GROUP BY status").fetchall()
            found = {row[0]: int(row[1]) for row in rows}
        return {str(s): found.get(str(s), 0) for s in ItemStatus}

    @_db.guarded
    def health(self) -> OutboxHealth:
        """What a monitor watches: counts by state, and the age of the oldest sale not yet
        delivered (queued, being sent, or waiting for its plate)."""
        counts = self.counts()
        with self._read() as conn:
            oldest = conn.execute(
                "SELECT MIN(created_at) FROM items"
                " WHERE status IN ('queued', 'submitting', 'submitted')"
            ).fetchone()[0]
        age = None if oldest is None else max(self.now() - float(oldest), 0.0)
        return OutboxHealth(
            engine=self.engine,
            location=self.location,
            schema_version=self._backend.schema_version(),
            counts=counts,
            pending=counts["queued"] + counts["submitting"] + counts["submitted"],
            oldest_pending_seconds=age,
            sealed=self._sealer is not None,
        )

    @_db.guarded
    def overdue(self, max_age: timedelta = DEFAULT_MAX_AGE) -> builtins.list[OutboxItem]:
        """Items not yet terminal and older than ``max_age`` (default 24 h)."""
        cutoff = self.now() - max_age.total_seconds()
        done = ",".join("?" * len(TERMINAL_STATUSES))
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT * FROM items WHERE status NOT IN ({done})"  # noqa: S608
                " AND created_at < ? ORDER BY created_at",
                (*sorted(TERMINAL_STATUSES), cutoff),
            ).fetchall()
            return [self._item(conn, row) for row in rows]

    @_db.guarded
    def history(self, local_id: str | None = None) -> builtins.list[HistoryEntry]:
        """The audit trail of one item, or of the whole outbox, oldest first."""
        sql = "SELECT * FROM history"
        params: tuple[Any, ...] = ()
        if local_id is not None:
            sql += " WHERE local_id = ?"
            params = (local_id,)
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY id", params).fetchall()
        return [
            HistoryEntry(
                id=row["id"],
                local_id=row["local_id"],
                at=_ts(row["at"]),  # type: ignore[arg-type]
                actor=row["actor"],
                from_status=row["from_status"],
                to_status=row["to_status"],
                event=row["event"],
                detail=row["detail"],
            )
            for row in rows
        ]

    @_db.guarded
    def attachment_data(self, local_id: str, seq: int) -> bytes:
        with self._read() as conn:
            row = conn.execute(
                "SELECT data FROM attachments WHERE local_id = ? AND seq = ?", (local_id, seq)
            ).fetchone()
            if row is None:
                raise ItemNotFound(f"{local_id}#{seq}")
            return photo_bytes(self, conn, local_id, seq, bytes(row["data"]))

    # ------------------------------------------------------------------ clerk actions
    @_db.guarded
    def retry(self, local_id: str, *, actor: str = "clerk") -> OutboxItem:
        """Send a ``needs_attention`` or backing-off item again now (same key, same body)."""
        with self._write() as conn:
            item = self._get(conn, local_id)
            if item.status not in (ItemStatus.NEEDS_ATTENTION, ItemStatus.QUEUED):
                raise InvalidTransition(local_id, item.status, "retry")
            self._set_status(
                conn, item, ItemStatus.QUEUED, actor, "retry", next_attempt_at=self.now()
            )
            return self._get(conn, local_id)

    @_db.guarded
    def amend(
        self,
        local_id: str,
        registration: EbikeRegistrationCreate | VehicleRegistrationCreate | Mapping[str, Any],
        *,
        actor: str = "clerk",
    ) -> OutboxItem:
        """Replace the sale of a ``needs_attention`` item with a corrected one and queue it again.

        The bureau created nothing for the rejected body, so the corrected one
        is sent under a new revision of the key (``<local_id>.r<n>``); the
        bureau's one-live-registration-per-vehicle rule still guards it.
        """
        from ._writes import amend_item

        return amend_item(self, local_id, registration, actor)

    @_db.guarded
    def discard(self, local_id: str, *, actor: str = "clerk", reason: str = "") -> OutboxItem:
        """Give up on an item that was never registered (``needs_attention`` or ``queued``)."""
        with self._write() as conn:
            item = self._get(conn, local_id)
            if item.status not in (ItemStatus.NEEDS_ATTENTION, ItemStatus.QUEUED):
                raise InvalidTransition(local_id, item.status, "discard")
            self._set_status(conn, item, ItemStatus.REJECTED, actor, "discarded", detail=reason)
            return self._get(conn, local_id)

    # ------------------------------------------------------------------ after the plate
    @_db.guarded
    def add_photo(self, local_id: str, photo: PhotoInput, *, actor: str = "clerk") -> OutboxItem:
        """Queue a photo for the sale's registration: the plate-fitted photo, or a retake
        a ``returned`` review names. On disk (fsync'd) when this returns; ``sync`` sends it
        once (its own Idempotency-Key), then erases its bytes from the file."""
        from ._followup import queue_photo

        return queue_photo(self, local_id, photo, actor)

    @_db.guarded
    def cancel(self, local_id: str, *, reason: str, actor: str = "clerk") -> OutboxItem:
        """Cancel the sale (退货). Never sent: ``cancelled`` at once. Registered (and not
        yet final): ``sync`` sends the contract's ``/cancel`` with ``reason``, exactly once."""
        from ._followup import request_cancel

        return request_cancel(self, local_id, reason, actor)

    # ------------------------------------------------------------------ sync
    @_db.guarded
    def sync(
        self,
        client: SyncClient | DealerRouter,
        *,
        worker_id: str | None = None,
        limit: int | None = None,
        on_registered: RegistrationCallback | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> SyncReport:
        """Send every due item to the bureau, each under its own Idempotency-Key.

        Safe to run from several processes at once. Returns when nothing is due
        (or after ``limit`` items). Never raises for a single item's failure: it
        is recorded on the item. ``client`` is one dealer's client, or a hub's
        :class:`DealerRouter`: each item then goes out with its store's dealer's
        credentials (items of stores it does not know stay queued).
        """
        from ._sync import run_sync

        return run_sync(
            self,
            client,
            worker_id=worker_id or make_worker_id(),
            limit=limit,
            on_registered=on_registered,
            should_stop=should_stop,
        )
