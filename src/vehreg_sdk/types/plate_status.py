"""``GET /v1/plate-status``: the bureau's signed list of revoked plates."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ._base import WireModel


class PlateRevocation(WireModel):
    """One revoked plate: its registration was ``cancelled`` or ``rejected``."""

    registration_id: str
    revoked_at: datetime
    reason: str


class PlateStatus(WireModel):
    """The revocations numbered ``since + 1 .. version``, as of ``issued_at``.

    ``revoked`` is for reading; what counts is ``status_list``, the same content signed
    by the bureau (a JWS). Check and keep it offline with
    :func:`vehreg_sdk.plates.verify_status` and :func:`vehreg_sdk.plates.save_status`.
    """

    object: str = "plate_status"
    version: int
    since: int = 0
    issued_at: datetime
    revoked: list[PlateRevocation] = Field(default_factory=list)
    status_list: str
