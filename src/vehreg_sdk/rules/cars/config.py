"""The car rules' knobs in one value: :class:`CarRuleConfig` (see each part for its facts)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..code_tables import UseNature
from ..key_vehicles import KeyVehicleRules
from ..temporary_plates import TemporaryPlateRules
from .energy import SizeClassRules
from .plate_numbers import PlateSelectionRules
from .purchase_tax import PurchaseTaxRules
from .stations import SafetyTestRules, StationScope

__all__ = ["DEFAULT_CAR_CONFIG", "CarRuleConfig"]

#: Use natures whose owner must be a unit with a credit code (§7.5: operating key vehicles).
UNIT_OWNER_USE_NATURES = frozenset(
    nature.value
    for nature in (
        UseNature.HIGHWAY_PASSENGER,
        UseNature.PUBLIC_TRANSPORT,
        UseNature.TOURISM,
        UseNature.DANGEROUS_GOODS,
        UseNature.KINDERGARTEN_SCHOOL_BUS,
        UseNature.PRIMARY_SCHOOL_BUS,
        UseNature.JUNIOR_SCHOOL_BUS,
        UseNature.SCHOOL_BUS,
    )
)


@dataclass(frozen=True, slots=True)
class CarRuleConfig:
    """Everything a city or deployment may change in the car rules; safe defaults."""

    station: StationScope = field(default_factory=StationScope)
    safety_test: SafetyTestRules = field(default_factory=SafetyTestRules)
    size_class: SizeClassRules = field(default_factory=SizeClassRules)
    purchase_tax: PurchaseTaxRules = field(default_factory=PurchaseTaxRules)
    plate_selection: PlateSelectionRules = field(default_factory=PlateSelectionRules)
    unit_owner_use_natures: frozenset[str] = UNIT_OWNER_USE_NATURES
    key_vehicles: KeyVehicleRules = field(default_factory=KeyVehicleRules)
    temporary_plates: TemporaryPlateRules = field(default_factory=TemporaryPlateRules)

    def replace(self, **changes: Any) -> CarRuleConfig:
        """A copy with some parts changed (``config.replace(station=StationScope(...))``)."""
        return replace(self, **changes)


DEFAULT_CAR_CONFIG = CarRuleConfig()
