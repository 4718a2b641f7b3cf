"""Car rules (新车注册登记 at a 4S registration station), grouped by subject.

Every public name is also importable from :mod:`vehreg_sdk.rules`.
"""

from .config import DEFAULT_CAR_CONFIG, CarRuleConfig
from .energy import (
    ENERGY_FUELS,
    EnergyType,
    SizeClass,
    SizeClassRules,
    expected_plate_kind,
    is_new_energy,
    new_energy_letter,
    size_class_of,
)
from .plate_numbers import CAR_PLATE_KINDS, PlateSelectionRules, validate_self_composed
from .purchase_tax import (
    DEFAULT_NEV_RELIEF,
    BuyerKind,
    NewEnergyRelief,
    PurchaseTaxExpectation,
    PurchaseTaxRules,
    ReliefKind,
    TaxVehicleClass,
    compare_purchase_tax,
    expected_purchase_tax,
    tax_base_fen,
)
from .registration import (
    car_safety_test,
    car_tax_class,
    check_car_registration,
    expected_car_plate_kind,
)
from .stations import (
    Routing,
    RoutingKind,
    SafetyTestRules,
    StationScope,
    routing,
    safety_test,
    station_refusal,
)

__all__ = [
    "CAR_PLATE_KINDS",
    "DEFAULT_CAR_CONFIG",
    "DEFAULT_NEV_RELIEF",
    "ENERGY_FUELS",
    "BuyerKind",
    "CarRuleConfig",
    "EnergyType",
    "NewEnergyRelief",
    "PlateSelectionRules",
    "PurchaseTaxExpectation",
    "PurchaseTaxRules",
    "ReliefKind",
    "Routing",
    "RoutingKind",
    "SafetyTestRules",
    "SizeClass",
    "SizeClassRules",
    "StationScope",
    "TaxVehicleClass",
    "car_safety_test",
    "car_tax_class",
    "check_car_registration",
    "compare_purchase_tax",
    "expected_car_plate_kind",
    "expected_plate_kind",
    "expected_purchase_tax",
    "is_new_energy",
    "new_energy_letter",
    "routing",
    "safety_test",
    "size_class_of",
    "station_refusal",
    "tax_base_fen",
    "validate_self_composed",
]
