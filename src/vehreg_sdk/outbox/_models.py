"""What the outbox hands back: items, history entries, sync reports, and its errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import privacy
from .._errors import VehregError

if TYPE_CHECKING:
    from ..types import EbikeRegistration, VehicleRegistration

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
"""Business dates and local times are Asia/Shanghai (UTC+8, no daylight saving)."""


class ItemStatus(StrEnum):
    """The life of a queued sale.

    ``queued → submitting → submitted → plate_assigned | rejected``; a business
    rejection the clerk can fix parks the item in ``needs_attention``. A
    retryable failure (network, timeout, 429, 5xx) puts it back to ``queued``
    with a later ``next_attempt_at``.

    After the plate, the outbox follows the bureau's review (its event feed):
    ``plate_assigned → awaiting_review → approved | returned | rejected``, a
    ``returned`` sale goes back to ``awaiting_review`` once its retakes are
    sent, and ``cancelled`` (退货) ends any registration before approval.
    ``rejected`` with a plate number is the review's refusal (the plate must be
    taken back); without one it is a refusal before any plate.
    """

    QUEUED = "queued"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    PLATE_ASSIGNED = "plate_assigned"
    REJECTED = "rejected"
    NEEDS_ATTENTION = "needs_attention"
    AWAITING_REVIEW = "awaiting_review"
    RETURNED = "returned"
    APPROVED = "approved"
    CANCELLED = "cancelled"


#: Delivered: the bureau has the sale (or refused it for good). Nothing is left for the
#: outbox to *create*; ``vehreg outbox sync``'s exit code and "every item terminal" count
#: these as done. ``awaiting_review`` and ``returned`` are delivered, not pending: the
#: review, or the clerk's retake, is what they wait for (queued photos are sent as
#: follow-up work and a failure to send them is reported as undelivered).
TERMINAL_STATUSES = frozenset(
    {
        ItemStatus.PLATE_ASSIGNED,
        ItemStatus.AWAITING_REVIEW,
        ItemStatus.RETURNED,
        ItemStatus.APPROVED,
        ItemStatus.REJECTED,
        ItemStatus.CANCELLED,
    }
)
#: Final: the bureau will never change these again.
FINAL_STATUSES = frozenset({ItemStatus.APPROVED, ItemStatus.REJECTED, ItemStatus.CANCELLED})
#: Registered and still open: the outbox follows these through the event feed.
FOLLOWED_STATUSES = frozenset(
    {ItemStatus.PLATE_ASSIGNED, ItemStatus.AWAITING_REVIEW, ItemStatus.RETURNED}
)

STATUS_TEXT: dict[ItemStatus, tuple[str, str]] = {
    ItemStatus.QUEUED: (
        "Queued: will be sent when the bureau is reachable",
        "已排队：联网后自动提交",
    ),
    ItemStatus.SUBMITTING: ("Submitting to the bureau", "正在提交车管所"),
    ItemStatus.SUBMITTED: ("Submitted, waiting for the plate", "已提交，等待分配号牌"),
    ItemStatus.PLATE_ASSIGNED: ("Plate assigned", "已分配号牌"),
    ItemStatus.REJECTED: ("Rejected", "已被拒绝"),
    ItemStatus.NEEDS_ATTENTION: (
        "Needs attention: correct the sale and retry",
        "需处理：请更正后重新提交",
    ),
    ItemStatus.AWAITING_REVIEW: ("Awaiting the bureau's review", "等待车管所复核"),
    ItemStatus.RETURNED: (
        "Returned by the review: retake the named photos",
        "复核退回：请按原因重拍照片",
    ),
    ItemStatus.APPROVED: ("Approved", "复核通过"),
    ItemStatus.CANCELLED: ("Cancelled (sale returned)", "已撤销（退货）"),
}


def status_text(status: str, lang: str = "zh") -> str:
    """The clerk-facing label of a status, in ``zh`` (default) or ``en``."""
    try:
        en, zh = STATUS_TEXT[ItemStatus(status)]
    except ValueError:
        return status
    return zh if lang.startswith("zh") else en


class OutboxError(VehregError):
    """Base of the outbox's own errors; ``message`` (en) and ``message_zh`` are clerk-readable."""

    code = "outbox.error"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "message_zh": self.message_zh}


class VehicleAlreadyQueued(OutboxError):
    """The vehicle code already has a live item in this outbox (a double click, a second till)."""

    code = "outbox.vehicle_already_queued"

    def __init__(self, vehicle_code: str, existing_local_id: str) -> None:
        super().__init__(
            f"vehicle {vehicle_code} is already in the outbox as {existing_local_id}",
            f"车辆 {vehicle_code} 已在离线队列中（{existing_local_id}），请勿重复提交",
        )
        self.vehicle_code = vehicle_code
        self.existing_local_id = existing_local_id


class OutboxDamaged(OutboxError):
    """The outbox file is not a usable SQLite database (bad header, truncated, torn page).

    ``path`` names the file. Nothing was changed. The message says how to recover what
    can be recovered: move the file aside, salvage its rows with the ``sqlite3`` shell's
    ``.recover``, and start a new outbox.
    """

    code = "outbox.damaged"

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        aside = path.with_name(path.name + ".damaged")
        super().__init__(
            f"The outbox file {path} is damaged ({reason}); nothing was changed. To recover: "
            f"stop every till program using it, move it aside (rename it to {aside.name}, "
            f"with its -wal file if there is one), then salvage the sales it still holds with "
            f'`sqlite3 "{aside}" ".recover" | sqlite3 recovered.db` and open '
            "recovered.db with --db (or re-enter the unsent sales). A new empty outbox is "
            "created on the next start.",
            f"离线队列文件 {path} 已损坏（{reason}），未做任何修改。恢复方法：先关闭所有使用它的"
            f"收银程序，将其改名为 {aside.name}（如有 -wal 文件一并改名），再用 "
            f'`sqlite3 "{aside}" ".recover" | sqlite3 recovered.db` 取回其中的销售，'
            "并用 --db 打开 recovered.db（或重新录入未提交的销售）。下次启动时会新建空的离线队列。",
        )


class ItemNotFound(OutboxError):
    code = "outbox.not_found"

    def __init__(self, local_id: str) -> None:
        super().__init__(f"no outbox item {local_id}", f"离线队列中没有 {local_id}")
        self.local_id = local_id


class InvalidTransition(OutboxError):
    code = "outbox.invalid_transition"

    def __init__(self, local_id: str, status: str, action: str) -> None:
        super().__init__(
            f"cannot {action} item {local_id} while it is {status}",
            f"条目 {local_id} 当前状态为“{status_text(status)}”，不能执行此操作",
        )


def _ts(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, SHANGHAI)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change of state: who, when, what (an audit trail row)."""

    id: int
    local_id: str
    at: datetime
    actor: str
    from_status: str | None
    to_status: str
    event: str
    detail: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo kept with the sale until ``sync`` uploads it (``upload_id`` once uploaded).

    ``size`` is 0 once the bureau has the photo: its bytes are erased from the outbox
    file, and ``sha256`` (of the bytes sent) and ``upload_id`` remain. ``stage`` is
    ``create`` (sent with the sale) or ``registration`` (sent to the registration
    afterwards: the plate-fitted photo, a retake).
    """

    seq: int
    kind: str
    filename: str
    content_type: str
    size: int
    upload_id: str | None
    sha256: str | None = None
    stage: str = "create"
    error_code: str | None = None

    @property
    def pending(self) -> bool:
        return self.upload_id is None and self.error_code is None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A queued sale. ``local_id`` (a UUID made on this device) is its Idempotency-Key.

    ``payload`` is the ``EbikeRegistrationCreate`` body as JSON data; it holds
    personal data, so log or show :meth:`summary` instead, which is masked.
    ``replayed`` is true when :meth:`Outbox.enqueue` returned an existing item
    for the same ``dedupe_key``.
    """

    local_id: str
    status: ItemStatus
    store_id: str
    vehicle_code: str
    payload: dict[str, Any] = field(repr=False)
    revision: int
    dedupe_key: str | None
    source: str
    meta: dict[str, Any]
    attempts: int
    next_attempt_at: datetime
    lease_owner: str | None
    lease_expires_at: datetime | None
    registration_id: str | None
    plate_number: str | None
    plate_token: str | None = field(repr=False)
    registration_data: dict[str, Any] | None = field(repr=False)
    errors: list[dict[str, Any]]
    last_error_code: str | None
    created_at: datetime
    updated_at: datetime
    attachments: tuple[Attachment, ...] = ()
    replayed: bool = False
    #: ``ebike`` or ``car``; ``vehicle_code`` is then the vehicle code or the VIN.
    kind: str = "ebike"

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    def review(self) -> dict[str, Any] | None:
        """The bureau's latest review (``outcome``, ``reasons[]`` with ``photo_kind`` and
        ``message_zh``), as last seen on the event feed."""
        data = self.registration_data or {}
        review = data.get("review")
        return review if isinstance(review, dict) else None

    def retake_kinds(self) -> list[str]:
        """After ``returned``: the photo kinds the review asks for again, less those already
        queued (they wait for ``sync``)."""
        if self.status != ItemStatus.RETURNED:
            return []
        reasons = (self.review() or {}).get("reasons") or []
        wanted = {r["photo_kind"] for r in reasons if isinstance(r, dict) and r.get("photo_kind")}
        return sorted(wanted - {a.kind for a in self.attachments if a.pending})

    @property
    def plate_must_be_returned(self) -> bool:
        """The review refused the sale after the plate was issued: the plate is revoked."""
        return self.status == ItemStatus.REJECTED and bool(self.plate_number)

    @property
    def idempotency_key(self) -> str:
        """The key sent to the bureau: the local id (suffixed ``.r<n>`` after an amendment)."""
        return self.local_id if self.revision == 0 else f"{self.local_id}.r{self.revision}"

    def registration(self) -> EbikeRegistration | VehicleRegistration | None:
        """The bureau's registration as recorded by sync (reprint a label offline from it)."""
        if self.registration_data is None:
            return None
        from ..types import EbikeRegistration, VehicleRegistration

        model = VehicleRegistration if self.kind == "car" else EbikeRegistration
        return model.model_validate(self.registration_data)

    def age(self, now: datetime | None = None) -> timedelta:
        return (now or datetime.now(SHANGHAI)) - self.created_at

    def is_overdue(self, max_age: timedelta, now: datetime | None = None) -> bool:
        """Not yet terminal and older than ``max_age`` (the bureau expects prompt registration)."""
        return not self.is_terminal and self.age(now) > max_age

    def summary(self, lang: str = "zh") -> dict[str, Any]:
        """A display and log form with the owner's personal data masked."""
        owner = self.payload.get("owner", {})
        sale = self.payload.get("sale") or {
            "invoice_number": (self.payload.get("invoice") or {}).get("number")
        }
        return {
            "local_id": self.local_id,
            "status": str(self.status),
            "status_text": status_text(self.status, lang),
            "store_id": self.store_id,
            "vehicle_code": self.vehicle_code,
            "product_model": self.payload.get("vehicle", {}).get("product_model"),
            "owner_name": privacy.mask_name(str(owner.get("name", ""))),
            "owner_id_number": privacy.mask_id_number(str(owner.get("id_number", ""))),
            "owner_mobile": privacy.mask_mobile(str(owner.get("mobile", ""))),
            "invoice_number": sale.get("invoice_number"),
            "registration_id": self.registration_id,
            "plate_number": self.plate_number,
            "attempts": self.attempts,
            "errors": self.errors,
            "source": self.source,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "updated_at": self.updated_at.isoformat(timespec="seconds"),
        }


@dataclass(frozen=True, slots=True)
class OutboxHealth:
    """What a hub's monitoring watches (``vehreg outbox status --json`` prints it)."""

    engine: str
    location: str
    schema_version: int
    counts: dict[str, int]
    #: queued + submitting + submitted: sales the bureau does not have yet, or whose
    #: plate has not come
    pending: int
    #: age of the oldest pending sale; ``None`` when nothing is pending
    oldest_pending_seconds: float | None
    #: personal data sealed at rest (a master key is set)
    sealed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "location": self.location,
            "schema_version": self.schema_version,
            "counts": self.counts,
            "pending": self.pending,
            "oldest_pending_seconds": self.oldest_pending_seconds,
            "sealed": self.sealed,
        }


@dataclass(slots=True)
class SyncReport:
    """What one :meth:`Outbox.sync` run did; counts by outcome plus the local ids touched."""

    worker: str
    claimed: int = 0
    plate_assigned: list[str] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    needs_attention: list[str] = field(default_factory=list)
    retry_later: list[str] = field(default_factory=list)
    hook_failures: list[str] = field(default_factory=list)
    #: items put back because the bureau was unreachable, timed out, or answered 5xx/429
    unreachable: list[str] = field(default_factory=list)
    #: photos sent to registrations after the plate (``local_id#seq``)
    photos_sent: list[str] = field(default_factory=list)
    #: items whose review state changed on the event feed, with the new state
    review_updates: list[tuple[str, str]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    #: the event feed could not be read this run (the review is followed next run)
    feed_unreachable: bool = False

    @property
    def bureau_unreachable(self) -> bool:
        """True when every attempt of this run failed retryably (network down, 5xx, 429)."""
        return bool(self.retry_later) and not (
            self.plate_assigned or self.submitted or self.rejected
        )
