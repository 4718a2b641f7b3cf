"""Energy type, size class and the plate kind they decide (GA 36-2018, GA 24).

shared/domain.md §3.1 and §7.3 [M]: GA 24's fuel code ``O`` (混合动力) covers
hybrids that get ordinary blue plates (HEV) and plug-in or range-extended ones
that get new-energy plates, so the fuel code alone cannot decide the plate;
the certificate's energy type does. New-energy plates go to BEV, PHEV, EREV
and FCEV, never to HEV or ICE; the energy letter is D for battery-electric
and F otherwise. The size class follows GA 36: medium and larger passenger
and goods vehicles take large plates. The thresholds are [M], hence data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from .._input import as_number, enum_text
from ..code_tables import FuelType, PlateKind

__all__ = [
    "ENERGY_FUELS",
    "EnergyType",
    "SizeClass",
    "SizeClassRules",
    "expected_plate_kind",
    "is_new_energy",
    "new_energy_letter",
    "size_class_of",
]


class EnergyType(StrEnum):
    """The drive of a car as its certificate states it (能源类型)."""

    ICE = "ICE"  # internal combustion only
    HEV = "HEV"  # hybrid, not rechargeable from the grid
    PHEV = "PHEV"  # plug-in hybrid
    EREV = "EREV"  # range-extended electric
    BEV = "BEV"  # battery electric
    FCEV = "FCEV"  # fuel cell

    @property
    def label_zh(self) -> str:
        """The Chinese name (``纯电动``)."""
        return _ENERGY_ZH[self]


_ENERGY_ZH = {
    EnergyType.ICE: "传统燃油",
    EnergyType.HEV: "油电混合（非插电）",
    EnergyType.PHEV: "插电式混合动力",
    EnergyType.EREV: "增程式电动",
    EnergyType.BEV: "纯电动",
    EnergyType.FCEV: "燃料电池",
}

_NEW_ENERGY = frozenset({EnergyType.BEV, EnergyType.PHEV, EnergyType.EREV, EnergyType.FCEV})

#: The GA 24 fuel codes each energy type may carry (§7.3). ``X`` (hydrogen) is [U].
ENERGY_FUELS: Mapping[EnergyType, frozenset[str]] = MappingProxyType(
    {
        EnergyType.ICE: frozenset("ABDEFLMZ"),
        EnergyType.HEV: frozenset("O"),
        EnergyType.PHEV: frozenset("O"),
        EnergyType.EREV: frozenset("OC"),
        EnergyType.BEV: frozenset("C"),
        EnergyType.FCEV: frozenset("XZ"),
    }
)


def as_energy(value: object) -> EnergyType | None:
    """The energy type of a value (enum or its text), or ``None``."""
    text = enum_text(value)
    try:
        return EnergyType(text.strip().upper()) if text else None
    except ValueError:
        return None


def is_new_energy(energy: object) -> bool:
    """Whether the energy type takes a new-energy plate (BEV, PHEV, EREV, FCEV)."""
    return as_energy(energy) in _NEW_ENERGY


def new_energy_letter(energy: object) -> str | None:
    """``D`` for battery-electric, ``F`` for the other new-energy types, ``None`` otherwise."""
    kind = as_energy(energy)
    if kind not in _NEW_ENERGY:
        return None
    return "D" if kind is EnergyType.BEV else "F"


class SizeClass(StrEnum):
    """Which plate size a vehicle takes: ``small`` (小型) or ``large`` (大型)."""

    SMALL = "small"
    LARGE = "large"


#: GA 802 type prefixes that are large whatever the figures say (medium and up, tractors).
_LARGE_PREFIXES = ("K1", "K2", "H1", "H2", "Q1", "Q2", "Z1", "Z2", "D1")


@dataclass(frozen=True, slots=True)
class SizeClassRules:
    """GA 36 size thresholds [M]: a passenger vehicle with ``large_seats`` seats or more, or
    ``large_length_mm`` or longer, and a goods vehicle of ``large_total_mass_kg`` or more,
    take large plates; so do the type prefixes in ``large_type_prefixes``."""

    large_seats: int = 10
    large_length_mm: int = 6000
    large_total_mass_kg: int = 4500
    large_type_prefixes: tuple[str, ...] = field(default=_LARGE_PREFIXES)


def size_class_of(
    vehicle_type: object,
    *,
    seats: object = None,
    length_mm: object = None,
    total_mass_kg: object = None,
    rules: SizeClassRules | None = None,
) -> SizeClass:
    """The plate size class of a vehicle from its GA 802 type and, where known, its figures."""
    limits = rules or SizeClassRules()
    code = (enum_text(vehicle_type) or "").strip().upper()
    if code.startswith(limits.large_type_prefixes):
        return SizeClass.LARGE
    seat_count, length, mass = as_number(seats), as_number(length_mm), as_number(total_mass_kg)
    if code.startswith("K") and (
        (seat_count is not None and seat_count >= limits.large_seats)
        or (length is not None and length >= limits.large_length_mm)
    ):
        return SizeClass.LARGE
    if code.startswith(("H", "Q")) and mass is not None and mass >= limits.large_total_mass_kg:
        return SizeClass.LARGE
    return SizeClass.SMALL


def expected_plate_kind(energy: object, size_class: SizeClass) -> PlateKind:
    """The 号牌种类 for an energy type and size: 02/52 small, 01/51 large."""
    if is_new_energy(energy):
        return (
            PlateKind.LARGE_NEW_ENERGY
            if size_class is SizeClass.LARGE
            else (PlateKind.SMALL_NEW_ENERGY)
        )
    return PlateKind.LARGE if size_class is SizeClass.LARGE else PlateKind.SMALL


def fuel_fits_energy(fuel: object, energy: object) -> bool:
    """Whether a GA 24 fuel code is one the energy type may carry (unknown input: True)."""
    kind = as_energy(energy)
    code = (enum_text(fuel) or "").strip().upper()
    if kind is None or not code:
        return True
    try:
        FuelType(code)
    except ValueError:
        return True  # an unknown fuel code is reported by its own check
    return code in ENERGY_FUELS[kind]
