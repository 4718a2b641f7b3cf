"""Wire models that mirror ``docs/api/openapi.yaml``.

Inputs (:class:`EbikeVehicle`, :class:`Owner`, :class:`Sale`, ...) forbid unknown
fields and run the domain rules at construction. Responses keep unknown fields
and unknown enum values, so an older client keeps working against a newer bureau.
"""

from .car_certificates import CarCertificate
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
from .onsite_inspections import (
    OnsiteInspection,
    OnsiteInspectionCreate,
    OnsiteInspectionStatus,
    OnsiteVehicle,
)
from .photo_requirements import PhotoRequirement
from .plate_selections import PlateSelection, PlateSelectionCreate, PlateSelectionStatus
from .plate_status import PlateRevocation, PlateStatus
from .purchase_tax import PurchaseTax, PurchaseTaxStatus
from .stores import Store
from .temporary_plates import (
    TemporaryPlate,
    TemporaryPlateCreate,
    TemporaryPlateDelivery,
    TemporaryPlateStatus,
    TemporaryPlateVoid,
)
from .uploads import Upload, UploadKind
from .vehicle_registration_batches import VehicleRegistrationBatch
from .vehicle_registrations import (
    VEHICLE_FINAL_STATUSES,
    Agent,
    CarOwner,
    CarVehicle,
    Insurance,
    Invoice,
    PlateChoice,
    SupervisionEnrolment,
    VehicleRegistration,
    VehicleRegistrationCreate,
    VehicleRegistrationStatus,
)

__all__ = [
    "FINAL_STATUSES",
    "VEHICLE_FINAL_STATUSES",
    "Agent",
    "BatchCounts",
    "BatchItem",
    "BatchItemError",
    "BatchItemStatus",
    "BatchStatus",
    "BatteryChemistry",
    "CarCertificate",
    "CarOwner",
    "CarVehicle",
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
    "Insurance",
    "Invoice",
    "Jwks",
    "ListEnvelope",
    "MeasuredValues",
    "OnsiteInspection",
    "OnsiteInspectionCreate",
    "OnsiteInspectionStatus",
    "OnsiteVehicle",
    "Owner",
    "OwnerSummary",
    "Photo",
    "PhotoRequirement",
    "PlateChoice",
    "PlateRevocation",
    "PlateSelection",
    "PlateSelectionCreate",
    "PlateSelectionStatus",
    "PlateStatus",
    "Problem",
    "PurchaseTax",
    "PurchaseTaxStatus",
    "RegisteredSale",
    "RegisteredVehicle",
    "RegistrationStatus",
    "Review",
    "ReviewReason",
    "Sale",
    "Store",
    "SupervisionEnrolment",
    "TemporaryPlate",
    "TemporaryPlateCreate",
    "TemporaryPlateDelivery",
    "TemporaryPlateStatus",
    "TemporaryPlateVoid",
    "Upload",
    "UploadKind",
    "VehicleRegistration",
    "VehicleRegistrationBatch",
    "VehicleRegistrationCreate",
    "VehicleRegistrationStatus",
    "VehicleUse",
    "WebhookEndpoint",
]
