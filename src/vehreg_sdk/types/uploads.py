from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ._base import WireModel


class UploadKind(StrEnum):
    ID_FRONT = "id_front"
    ID_BACK = "id_back"
    INVOICE = "invoice"
    CERTIFICATE = "certificate"
    VEHICLE_CODE_RUBBING = "vehicle_code_rubbing"
    VEHICLE_PHOTO = "vehicle_photo"
    MOTOR_CODE_PHOTO = "motor_code_photo"
    PLATE_FITTED = "plate_fitted"
    # cars (4S registration station)
    VIN_RUBBING = "vin_rubbing"
    INSURANCE_POLICY = "insurance_policy"
    AGENT_AUTHORISATION = "agent_authorisation"
    AGENT_ID = "agent_id"
    RESIDENCE_PERMIT = "residence_permit"
    BUSINESS_LICENCE = "business_licence"


class Upload(WireModel):
    """A stored photo or scan (JPEG or PNG, at most 5 MB)."""

    id: str
    object: str = "upload"
    kind: UploadKind | str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
