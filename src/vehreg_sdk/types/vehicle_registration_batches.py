"""Batches of car registrations: the e-bike batch's semantics, with a channel for every item."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ._base import WireModel
from .ebike_registration_batches import BATCH_FINAL_STATUSES, BatchCounts, BatchStatus

__all__ = ["VehicleRegistrationBatch"]


class VehicleRegistrationBatch(WireModel):
    """A submitted car batch: its channel (``store_id`` or ``onsite_inspection_id``), state
    and counts. Its items are :class:`~vehreg_sdk.types.BatchItem` (``registration_id`` is a
    car registration's)."""

    id: str
    object: str = "vehicle_registration_batch"
    status: BatchStatus | str
    store_id: str | None = None
    onsite_inspection_id: str | None = None
    counts: BatchCounts = Field(default_factory=BatchCounts)
    created_at: datetime
    completed_at: datetime | None = None

    @property
    def is_final(self) -> bool:
        return self.status in BATCH_FINAL_STATUSES
