"""Wire models that mirror ``docs/api/openapi.yaml``.

Inputs (:class:`EbikeVehicle`, :class:`Owner`, :class:`Sale`, ...) forbid unknown
fields and run the domain rules at construction. Responses keep unknown fields
and unknown enum values, so an older client keeps working against a newer bureau.
"""

from .catalogue import BatteryChemistry, CccCertificate, CccState, EbikeModel, EbikeStandard
from .certificates import EbikeCertificate
from .common import FieldError, ListEnvelope, Problem
from .ebike_registration_batches import (
    BatchCounts,
    BatchItem,
    BatchItemError,
    BatchItemStatus,
    BatchStatus,
    EbikeRegistrationBatch,
)
from .ebike_registrations import (
    FINAL_STATUSES,
    EbikeRegistration,
    EbikeRegistrationCreate,
    EbikeVehicle,
    Guardian,
    MeasuredValues,
    Owner,
    OwnerSummary,
    Photo,
    RegisteredSale,
    RegisteredVehicle,
    RegistrationStatus,
    Review,
    ReviewReason,
    Sale,
    VehicleUse,
)
from .events import Event, EventType, WebhookEndpoint
from .keys import Jwks
from .plate_status import PlateRevocation, PlateStatus
from .stores import Store
from .uploads import Upload, UploadKind

__all__ = [
    "FINAL_STATUSES",
    "BatchCounts",
    "BatchItem",
    "BatchItemError",
    "BatchItemStatus",
    "BatchStatus",
    "BatteryChemistry",
    "CccCertificate",
    "CccState",
    "EbikeCertificate",
    "EbikeModel",
    "EbikeRegistration",
    "EbikeRegistrationBatch",
    "EbikeRegistrationCreate",
    "EbikeStandard",
    "EbikeVehicle",
    "Event",
    "EventType",
    "FieldError",
    "Guardian",
    "Jwks",
    "ListEnvelope",
    "MeasuredValues",
    "Owner",
    "OwnerSummary",
    "Photo",
    "PlateRevocation",
    "PlateStatus",
    "Problem",
    "RegisteredSale",
    "RegisteredVehicle",
    "RegistrationStatus",
    "Review",
    "ReviewReason",
    "Sale",
    "Store",
    "Upload",
    "UploadKind",
    "VehicleUse",
    "WebhookEndpoint",
]
