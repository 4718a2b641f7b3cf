"""Sending queued sales to the bureau: claim, upload, create, record.

The same key goes out on every attempt of an item (``OutboxItem.idempotency_key``),
so a crash between "sent" and "recorded" is repaired by sending again: the
bureau replays the first answer, or, after its idempotency window, answers 409
``vehicle.already_registered`` with the existing id, which sync recognises as
its own through ``client_reference``.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from .. import _errors as errors
from ..privacy import masked_logger
from ..types import EbikeRegistration, VehicleRegistration
from ._db import dumps as _dumps
from ._kinds import kind_named
from ._models import ItemStatus, OutboxItem, SyncReport
from ._redact import exception_summary, mask_values, owner_personal
from ._redact import frames as _frames

if TYPE_CHECKING:
    from ._dealers import DealerRouter
    from ._store import Outbox

logger = masked_logger("vehreg_sdk.outbox")

Registration = EbikeRegistration | VehicleRegistration
#: Called with the item and its registration: an ``EbikeRegistration`` or, for an item of
#: kind ``car``, a ``VehicleRegistration``.
RegistrationCallback = Callable[[OutboxItem, Any], None]

#: 422 codes no correction at the till can fix: such an item is ``rejected``, not parked.
FINAL_REJECTION_CODES: frozenset[str] = frozenset(
    {
        "vehicle.stolen",
        "vehicle.reported_stolen",
        "vehicle.blacklisted",
        "vehicle.scrapped",
        "ebike.standard_not_sellable",
        "certificate.ccc_suspended",
        "certificate.ccc_revoked",
    }
)

#: 409: an earlier request with the same Idempotency-Key is still being processed.
IN_PROGRESS = "idempotency.in_progress"
#: Without a ``Retry-After``, an in-progress item is asked about again after this many seconds.
IN_PROGRESS_RETRY_SECONDS = 2.0

#: After this many consecutive "bureau unreachable" failures a run stops early; the rest stays due.
MAX_CONSECUTIVE_OUTAGES = 3
#: A ``submitted`` item without a plate is looked at again after this many seconds.
REFRESH_SECONDS = 30.0


class SyncClient(Protocol):
    """What sync needs of a :class:`vehreg_sdk.VehregClient` (any object with these resources)."""

    @property
    def ebike_registrations(self) -> Any: ...

    @property
    def vehicle_registrations(self) -> Any: ...

    @property
    def uploads(self) -> Any: ...


class _RetryLater(Exception):
    def __init__(self, code: str, message: str, message_zh: str, delay: float | None = None):
        super().__init__(message)
        self.code, self.message, self.message_zh, self.delay = code, message, message_zh, delay


def run_sync(
    outbox: Outbox,
    client: SyncClient | DealerRouter,
    *,
    worker_id: str,
    limit: int | None,
    on_registered: RegistrationCallback | None,
    should_stop: Callable[[], bool] | None,
) -> SyncReport:
    report = SyncReport(worker=worker_id)
    from ._dealers import DealerRouter

    router = client if isinstance(client, DealerRouter) else None
    stores = router.store_ids() if router is not None else None
    outages = 0
    # Only what is due when the run starts: an item put back for a retry is not taken again
    # in the same run however short its backoff (the next run takes it), so a run's length
    # and its report never depend on how fast the disk commits.
    started = outbox.now()
    while limit is None or report.claimed < limit:
        if should_stop is not None and should_stop():
            break
        item = claim(outbox, worker_id, due_by=started, stores=stores)
        if item is None:
            break
        report.claimed += 1
        bureau: Any = router.client_for_store(item.store_id) if router is not None else client
        outcome = _process(outbox, bureau, item, worker_id, report, on_registered)
        outages = outages + 1 if outcome == "retry_later" else 0
        if outages >= MAX_CONSECUTIVE_OUTAGES:
            logger.warning("outbox: bureau unreachable; %s stops this run", worker_id)
            break
    if outages < MAX_CONSECUTIVE_OUTAGES and not (should_stop is not None and should_stop()):
        from ._followup import follow_up

        if router is None:
            follow_up(outbox, client, report)  # type: ignore[arg-type]  # narrowed above
        else:
            for dealer_id, dealer_client, dealer_stores in router.routes():
                follow_up(
                    outbox, dealer_client, report,
                    stores=dealer_stores, cursor_key=f"events_cursor.{dealer_id}",
                )  # fmt: skip
    return report


def claim(
    outbox: Outbox,
    worker_id: str,
    *,
    due_by: float | None = None,
    stores: Sequence[str] | None = None,
) -> OutboxItem | None:
    """Take the next due item under a lease, or ``None``. One write transaction: atomic.

    ``due_by``: only items due at that time (default: now); leases are judged at now.
    ``stores``: only items of these stores (a hub worker routing by dealer).
    """
    now = outbox.now()
    due = now if due_by is None else min(due_by, now)
    backend = outbox._backend
    session = backend.lease_session()
    with outbox._write() as conn:
        picked = backend.pick_due(conn, due, now, stores)
        if picked is None:
            return None
        local_id, orphaned = picked
        item = outbox._get(conn, local_id)
        if item.status == ItemStatus.SUBMITTED:
            # A look for the plate of an accepted registration: a lease, not a change of
            # state, so no history row (it would add one every REFRESH_SECONDS until the
            # plate comes) and no new ``updated_at``.
            conn.execute(
                "UPDATE items SET lease_owner = ?, lease_expires_at = ?, lease_session = ?,"
                " attempts = attempts + 1 WHERE local_id = ?",
                (worker_id, now + outbox.lease_seconds, session, item.local_id),
            )
            return outbox._get(conn, item.local_id)
        if item.status == ItemStatus.SUBMITTING:
            event, detail = "lease_expired", f"retaken from {item.lease_owner}"
            if orphaned:
                gone = "process" if session is None else "database session"
                detail += f" (its {gone} is gone)"
        else:
            event, detail = "claimed", f"attempt {item.attempts + 1}"
        outbox._set_status(
            conn,
            item,
            ItemStatus.SUBMITTING,
            worker_id,
            event,
            detail=detail,
            lease_owner=worker_id,
            lease_expires_at=now + outbox.lease_seconds,
            lease_session=session,
            attempts=item.attempts + 1,
        )
        return outbox._get(conn, item.local_id)


def _process(
    outbox: Outbox,
    client: SyncClient,
    item: OutboxItem,
    worker_id: str,
    report: SyncReport,
    on_registered: RegistrationCallback | None,
) -> str:
    try:
        registration = _send(outbox, client, item)
    except _RetryLater as retry:
        _retry_later(outbox, item, worker_id, retry)
        report.retry_later.append(item.local_id)
        if retry.code != IN_PROGRESS:
            report.unreachable.append(item.local_id)
        # "in progress" is the bureau answering: it must not count as an outage.
        return "in_progress" if retry.code == IN_PROGRESS else "retry_later"
    except _Parked as parked:
        _park(outbox, item, worker_id, parked)
        (report.rejected if parked.final else report.needs_attention).append(item.local_id)
        return str(parked.status)
    recorded = _record(outbox, item, worker_id, registration)
    if recorded is None:
        return "already_recorded"
    if recorded.status == ItemStatus.PLATE_ASSIGNED:
        report.plate_assigned.append(item.local_id)
        if on_registered is not None:
            try:
                on_registered(recorded, registration)
            except Exception as exc:  # a printer or plugin failure must never lose the sale
                logger.error(
                    "outbox: after-registration callback failed for %s: %s (at %s)",
                    item.local_id,
                    error_summary(exc, item),
                    _frames(exc),
                )
                report.hook_failures.append(item.local_id)
    else:
        report.submitted.append(item.local_id)
    return str(recorded.status)


class _Parked(Exception):
    def __init__(self, final: bool, code: str, items: list[dict[str, Any]]):
        super().__init__(code)
        self.final, self.code, self.items = final, code, items
        self.status = ItemStatus.REJECTED if final else ItemStatus.NEEDS_ATTENTION


def _send(outbox: Outbox, client: SyncClient, item: OutboxItem) -> Registration:
    """One bureau round for an item; raises ``_RetryLater`` or ``_Parked`` when it cannot finish."""
    kind = kind_named(item.kind)
    registrations = getattr(client, kind.resource)  # ebike_ or vehicle_registrations
    try:
        if item.status == ItemStatus.SUBMITTED and item.registration_id:
            reg: Registration = registrations.retrieve(item.registration_id)
            return reg
        upload_ids = _upload_attachments(outbox, client, item)
        reg = registrations.create(
            **kind.create_kwargs(item.payload, upload_ids),
            idempotency_key=item.idempotency_key,
        )
        return reg
    except errors.ConflictError as err:
        if err.code == "vehicle.already_registered":
            if err.existing_id:
                return _adopt_existing(client, item, err)
            # No id: the bike is registered by another dealer (the bureau hides whose).
            # Nothing the till can correct makes it ours: final, as the state table says.
            raise _Parked(True, err.code, _problem_items(err)) from err
        if err.code == IN_PROGRESS:
            # The bureau is still working on an earlier request with this key (a retaken
            # lease, a second till): ask again later with the same key; nothing to fix.
            raise _retry_from(err) from err
        raise _Parked(False, err.code, _problem_items(err)) from err
    except errors.UnprocessableEntityError as err:
        codes = {err.code, *(v.code for v in err.errors if v.is_error)}
        final = bool(codes & FINAL_REJECTION_CODES)
        raise _Parked(final, err.code, _problem_items(err)) from err
    except errors.LocalValidationError as err:
        items = [_violation_item(v) for v in err.violations]
        raise _Parked(False, err.code, items) from err
    except (errors.RateLimitError, errors.InternalServerError, errors.APIConnectionError) as err:
        raise _retry_from(err) from err
    except errors.APIStatusError as err:
        # 400/401/403/404: configuration (keys, store id) or a bug: a person must look.
        raise _Parked(False, err.code, _problem_items(err)) from err
    except (_Parked, _RetryLater):
        raise
    except Exception as err:  # an unexpected bug must not lose the sale: keep it queued
        # Not logger.exception: the message may quote the sale, and a name or an address
        # cannot be recognised by a pattern. The type, a masked summary and the frames do.
        logger.error(
            "outbox: unexpected error sending %s: %s (at %s)",
            item.local_id,
            error_summary(err, item),
            _frames(err),
        )
        raise _RetryLater(
            "outbox.unexpected_error",
            f"unexpected error: {type(err).__name__}",
            f"意外错误：{type(err).__name__}",
        ) from err


def _adopt_existing(
    client: SyncClient, item: OutboxItem, err: errors.ConflictError
) -> Registration:
    """A 409 for this vehicle: ours (an earlier attempt committed) or someone else's."""
    registrations = getattr(client, kind_named(item.kind).resource)
    try:
        existing: Registration = registrations.retrieve(err.existing_id)
    except (errors.RateLimitError, errors.InternalServerError, errors.APIConnectionError) as exc:
        raise _retry_from(exc) from exc
    except (errors.NotFoundError, errors.PermissionDeniedError) as exc:
        # The holder is not visible to this dealer: another dealer's registration.
        raise _Parked(True, err.code, _problem_items(err)) from exc
    ours = item.payload.get("client_reference")
    if ours is not None and existing.client_reference == ours:
        logger.info("outbox: %s was already registered as %s", item.local_id, existing.id)
        return existing
    raise _Parked(True, err.code, _problem_items(err))


def _upload_attachments(outbox: Outbox, client: SyncClient, item: OutboxItem) -> list[str]:
    ids: list[str] = []
    for attachment in item.attachments:
        if attachment.upload_id is None:
            data = outbox.attachment_data(item.local_id, attachment.seq)
            upload = client.uploads.create(
                kind=attachment.kind,
                file=(attachment.filename, data, attachment.content_type),
                idempotency_key=f"{item.idempotency_key}.upload.{attachment.seq}",
            )
            with outbox._write() as conn:
                conn.execute(
                    "UPDATE attachments SET upload_id = ? WHERE local_id = ? AND seq = ?",
                    (upload.id, item.local_id, attachment.seq),
                )
            ids.append(str(upload.id))
        else:
            ids.append(attachment.upload_id)
    return ids


def _retry_from(err: errors.VehregError) -> _RetryLater:
    delay: float | None = None
    retry_after: str | None = None
    if isinstance(err, errors.RateLimitError):
        retry_after = err.retry_after
    elif isinstance(err, errors.ConflictError) and err.code == IN_PROGRESS:
        response = err.response
        retry_after = response.headers.get("retry-after") if response is not None else None
        delay = IN_PROGRESS_RETRY_SECONDS
    if retry_after:
        with contextlib.suppress(ValueError):  # not a number of seconds: the default delay
            delay = min(max(float(retry_after), 0.0), 600.0)
    code = getattr(err, "code", None) or (
        "network.timeout" if isinstance(err, errors.APITimeoutError) else "network.unreachable"
    )
    return _RetryLater(str(code), err.message, err.message_zh, delay)


def _problem_items(err: errors.APIStatusError) -> list[dict[str, Any]]:
    items = [_violation_item(v) for v in err.errors]
    if not items:
        items = [
            {"field": "", "code": err.code, "message": err.detail, "message_zh": err.detail_zh}
        ]
    if err.request_id:
        for entry in items:
            entry["request_id"] = err.request_id
    return items


def _masked_items(items: list[dict[str, Any]], item: OutboxItem) -> list[dict[str, Any]]:
    """The bureau's messages as stored and shown: should one quote the owner, it is masked."""
    texts = ("message", "message_zh")
    return [
        {k: mask_owner(v, item) if k in texts and isinstance(v, str) else v for k, v in e.items()}
        for e in items
    ]


def _violation_item(violation: Any) -> dict[str, Any]:
    return {
        "field": violation.field,
        "code": violation.code,
        "message": violation.message,
        "message_zh": violation.message_zh,
    }


def backoff_seconds(outbox: Outbox, attempts: int) -> float:
    """``base·2^(n-1)`` capped at ``max``, with jitter in [50 %, 100 %] so tills do not stampede."""
    raw = min(outbox.retry_base_seconds * 2 ** max(attempts - 1, 0), outbox.retry_max_seconds)
    return float(raw * (0.5 + random.random() / 2))


def _retry_later(outbox: Outbox, item: OutboxItem, worker_id: str, retry: _RetryLater) -> None:
    delay = retry.delay if retry.delay is not None else backoff_seconds(outbox, item.attempts)
    with outbox._write() as conn:
        current = outbox._get(conn, item.local_id)
        if current.lease_owner != worker_id or current.is_terminal:
            return  # our lease expired and another worker has it; leave it to them
        # A refresh of a submitted item stays submitted: the registration exists.
        target = (
            ItemStatus.SUBMITTED if current.status == ItemStatus.SUBMITTED else ItemStatus.QUEUED
        )
        entry = {
            "field": "",
            "code": retry.code,
            "message": retry.message,
            "message_zh": retry.message_zh,
        }
        if target == ItemStatus.SUBMITTED and current.last_error_code == retry.code:
            # The same failed look for the plate again: nothing changed worth a history row.
            conn.execute(
                "UPDATE items SET lease_owner = NULL, lease_expires_at = NULL,"
                " lease_session = NULL, next_attempt_at = ?, errors = ? WHERE local_id = ?",
                (outbox.now() + delay, _dumps([entry]), item.local_id),
            )
            return
        outbox._set_status(
            conn,
            current,
            target,
            worker_id,
            "retry_scheduled",
            detail=f"{retry.code}; next attempt in {delay:.0f} s",
            next_attempt_at=outbox.now() + delay,
            last_error_code=retry.code,
            errors=_dumps([entry]),
        )
    logger.info("outbox: %s will be retried in %.0f s (%s)", item.local_id, delay, retry.code)


def _park(outbox: Outbox, item: OutboxItem, worker_id: str, parked: _Parked) -> None:
    with outbox._write() as conn:
        current = outbox._get(conn, item.local_id)
        if current.is_terminal:
            return
        outbox._set_status(
            conn,
            current,
            parked.status,
            worker_id,
            "rejected_by_bureau" if parked.final else "needs_attention",
            detail=parked.code,
            last_error_code=parked.code,
            errors=_dumps(_masked_items(parked.items, current)),
        )
    logger.warning("outbox: %s is %s (%s)", item.local_id, parked.status, parked.code)


def _record(
    outbox: Outbox, item: OutboxItem, worker_id: str, reg: Registration
) -> OutboxItem | None:
    """Write the bureau's answer; ``None`` when another worker already recorded it."""
    with outbox._write() as conn:
        current = outbox._get(conn, item.local_id)
        if current.is_terminal:
            return None
        if current.lease_owner != worker_id:
            logger.info(
                "outbox: %s lease moved to %s; recording anyway", item.local_id, current.lease_owner
            )
        if current.status != ItemStatus.SUBMITTED:
            outbox._set_status(
                conn,
                current,
                ItemStatus.SUBMITTED,
                worker_id,
                "accepted",
                detail=f"registration {reg.id}",
                registration_id=reg.id,
                registration=reg.model_dump_json(),
                errors="[]",
                last_error_code=None,
                next_attempt_at=outbox.now() + REFRESH_SECONDS,
            )
            current = outbox._get(conn, item.local_id)
        if reg.plate_number:
            outbox._set_status(
                conn,
                current,
                ItemStatus.PLATE_ASSIGNED,
                worker_id,
                "plate_assigned",
                detail=str(reg.plate_number),
                plate_number=reg.plate_number,
                plate_token=reg.plate_token,
                registration=reg.model_dump_json(),
            )
        else:
            # Still no plate: look again later. Not a change of state, so no history row.
            conn.execute(
                "UPDATE items SET lease_owner = NULL, lease_expires_at = NULL,"
                " lease_session = NULL, next_attempt_at = ?, errors = '[]',"
                " last_error_code = NULL WHERE local_id = ?",
                (outbox.now() + REFRESH_SECONDS, item.local_id),
            )
        return outbox._get(conn, item.local_id)


def _personal(item: OutboxItem) -> dict[str, str]:
    return owner_personal(item.payload.get("owner") or {})


def error_summary(exc: BaseException, item: OutboxItem) -> str:
    """``Type: first line``, the item's owner data masked by value, then ID numbers and
    mobiles anywhere, cut short: safe for a log line."""
    return exception_summary(exc, _personal(item))


def mask_owner(text: str, item: OutboxItem) -> str:
    """``text`` with the item's owner data masked by value, then every ID number and mobile."""
    return mask_values(text, _personal(item))
