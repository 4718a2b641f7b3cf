"""Batches of e-bike registrations (批量登记): up to 500 items a request, each judged alone."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from ._base import WireModel
from .common import FieldError

__all__ = [
    "BATCH_FINAL_STATUSES",
    "MAX_BATCH_ITEMS",
    "BatchCounts",
    "BatchItem",
    "BatchItemError",
    "BatchItemStatus",
    "BatchStatus",
    "EbikeRegistrationBatch",
]

#: The most items one ``POST /v1/ebike-registration-batches`` may carry.
MAX_BATCH_ITEMS = 500


class BatchStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


BATCH_FINAL_STATUSES = frozenset({BatchStatus.COMPLETED, BatchStatus.FAILED})


class BatchItemStatus(StrEnum):
    QUEUED = "queued"
    REGISTERED = "registered"
    REJECTED = "rejected"
    FAILED = "failed"


class BatchCounts(WireModel):
    """Items per status; ``total`` is the number of items the batch was created with."""

    total: int = 0
    queued: int = 0
    registered: int = 0
    rejected: int = 0
    failed: int = 0


class EbikeRegistrationBatch(WireModel):
    """A submitted batch: its state and how many items reached each status."""

    id: str
    object: str = "ebike_registration_batch"
    status: BatchStatus | str
    store_id: str
    counts: BatchCounts = Field(default_factory=BatchCounts)
    created_at: datetime
    completed_at: datetime | None = None

    @property
    def is_final(self) -> bool:
        return self.status in BATCH_FINAL_STATUSES


class BatchItemError(WireModel):
    """Why an item was not registered: what the single create would have answered (problem)."""

    status: int
    code: str
    detail: str = ""
    detail_zh: str = ""
    errors: list[FieldError] = Field(default_factory=list)
    existing_id: str | None = None


class BatchItem(WireModel):
    """One item of a batch. ``client_reference`` is its durable, dealer-scoped idempotency key."""

    object: str = "ebike_registration_batch_item"
    index: int
    client_reference: str
    status: BatchItemStatus | str
    registration_id: str | None = None
    plate_number: str | None = None
    plate_token: str | None = None
    #: The compact plate credential (``VP1:...``) that labels print; see ``plates``.
    plate_credential: str | None = None
    error: BatchItemError | None = None
    replayed: bool = False
    """True when the outcome is the one first recorded for this ``client_reference``."""
    updated_at: datetime | None = None
