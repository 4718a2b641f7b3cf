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
    """

    QUEUED = "queued"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    PLATE_ASSIGNED = "plate_assigned"
    REJECTED = "rejected"
    NEEDS_ATTENTION = "needs_attention"


TERMINAL_STATUSES = frozenset({ItemStatus.PLATE_ASSIGNED, ItemStatus.REJECTED})

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
    """A photo kept with the sale until ``sync`` uploads it (``upload_id`` once uploaded)."""

    seq: int
    kind: str
    filename: str
    content_type: str
    size: int
    upload_id: str | None


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

    @property
    def bureau_unreachable(self) -> bool:
        """True when every attempt of this run failed retryably (network down, 5xx, 429)."""
        return bool(self.retry_later) and not (
            self.plate_assigned or self.submitted or self.rejected
        )
