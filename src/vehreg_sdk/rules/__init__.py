"""Domain rules: pure functions and data, no I/O, no network.

Every ``validate_<thing>(value, ...)`` returns a list of :class:`Violation`
(empty: valid) and never raises, whatever it is given. The ``check_*``
functions combine them over whole objects (duck-typed: models, objects or
dicts) and return every violation at once. Facts and their confidence are
in docs/rules.md.
"""

from ._dates import UNREADABLE, business_date, read_date
from ._violation import Severity, Violation, errors_only
from .cars import (
    CAR_PLATE_KINDS,
    DEFAULT_CAR_CONFIG,
    BuyerKind,
    CarRuleConfig,
    EnergyType,
    PlateSelectionRules,
    PurchaseTaxExpectation,
    PurchaseTaxRules,
    Routing,
    RoutingKind,
    SafetyTestRules,
    SizeClass,
    SizeClassRules,
    StationScope,
    TaxVehicleClass,
    car_safety_test,
    check_car_registration,
    expected_car_plate_kind,
    expected_plate_kind,
    expected_purchase_tax,
    is_new_energy,
    new_energy_letter,
    size_class_of,
    validate_self_composed,
)
from .ccc import check_ccc
from .certificate_qr import (
    CertificateQrParser,
    parse_certificate_qr,
    register_certificate_qr_parser,
    unregister_certificate_qr_parser,
)
from .code_tables import FuelType, IdDocumentType, PlateKind, UseNature, VehicleType
from .codes import (
    validate_ccc_number,
    validate_certificate_number,
    validate_motor_code,
    validate_vehicle_code,
)
from .config import DEFAULT_CONFIG, MinorPolicy, RuleConfig
from .credit_codes import USCC_REGISTRATION_AUTHORITIES, UsccAuthority
from .ebike_standards import DEFAULT_STANDARDS, GB17761_2018, GB17761_2024, EbikeRuleSet, Limit
from .key_vehicles import (
    KeyVehicleClass,
    KeyVehicleExplanation,
    KeyVehicleRules,
    classify_key_vehicle,
    explain_key_vehicle,
)
from .owners import check_owner, check_person_fields
from .people import (
    age_on,
    birth_date_of,
    validate_id_document,
    validate_mobile,
    validate_name,
    validate_resident_id,
    validate_uscc,
)
from .plates import validate_ebike_plate, validate_plate
from .references import (
    CLIENT_REFERENCE_PATTERN,
    is_valid_client_reference,
    validate_client_reference,
)
from .registration import check_ebike_registration
from .sale import check_ebike_sale, select_standard
from .spellings import battery_chemistry
from .temporary_plate_requests import check_temporary_plate_request, required_upload_kinds
from .temporary_plates import (
    DEFAULT_TEMPORARY_PLATE_RULES,
    TEMPORARY_PLATE_LIMITS,
    TemporaryPlateLimit,
    TemporaryPlateRules,
    TemporaryPlateSituation,
    add_months,
    last_valid_day,
    latest_valid_to,
    validate_temporary_plate,
    validity_window,
)
from .vin import validate_vin, vin_check_digit

__all__ = [
    "CAR_PLATE_KINDS",
    "CLIENT_REFERENCE_PATTERN",
    "DEFAULT_CAR_CONFIG",
    "DEFAULT_CONFIG",
    "DEFAULT_STANDARDS",
    "DEFAULT_TEMPORARY_PLATE_RULES",
    "GB17761_2018",
    "GB17761_2024",
    "TEMPORARY_PLATE_LIMITS",
    "UNREADABLE",
    "USCC_REGISTRATION_AUTHORITIES",
    "BuyerKind",
    "CarRuleConfig",
    "CertificateQrParser",
    "EbikeRuleSet",
    "EnergyType",
    "FuelType",
    "IdDocumentType",
    "KeyVehicleClass",
    "KeyVehicleExplanation",
    "KeyVehicleRules",
    "Limit",
    "MinorPolicy",
    "PlateKind",
    "PlateSelectionRules",
    "PurchaseTaxExpectation",
    "PurchaseTaxRules",
    "Routing",
    "RoutingKind",
    "RuleConfig",
    "SafetyTestRules",
    "Severity",
    "SizeClass",
    "SizeClassRules",
    "StationScope",
    "TaxVehicleClass",
    "TemporaryPlateLimit",
    "TemporaryPlateRules",
    "TemporaryPlateSituation",
    "UsccAuthority",
    "UseNature",
    "VehicleType",
    "Violation",
    "add_months",
    "age_on",
    "battery_chemistry",
    "birth_date_of",
    "business_date",
    "car_safety_test",
    "check_car_registration",
    "check_ccc",
    "check_ebike_registration",
    "check_ebike_sale",
    "check_owner",
    "check_person_fields",
    "check_temporary_plate_request",
    "classify_key_vehicle",
    "errors_only",
    "expected_car_plate_kind",
    "expected_plate_kind",
    "expected_purchase_tax",
    "explain_key_vehicle",
    "is_new_energy",
    "is_valid_client_reference",
    "last_valid_day",
    "latest_valid_to",
    "new_energy_letter",
    "parse_certificate_qr",
    "read_date",
    "register_certificate_qr_parser",
    "required_upload_kinds",
    "select_standard",
    "size_class_of",
    "unregister_certificate_qr_parser",
    "validate_ccc_number",
    "validate_certificate_number",
    "validate_client_reference",
    "validate_ebike_plate",
    "validate_id_document",
    "validate_mobile",
    "validate_motor_code",
    "validate_name",
    "validate_plate",
    "validate_resident_id",
    "validate_self_composed",
    "validate_temporary_plate",
    "validate_uscc",
    "validate_vehicle_code",
    "validate_vin",
    "validity_window",
    "vin_check_digit",
]
