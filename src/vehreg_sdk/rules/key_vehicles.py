"""Key vehicles (重点车辆): which registrations leave the simple dealer path.

docs/domain.md §7.5 [M/U] gives the working definition (no authoritative
list text was found): 两客一危 (highway and tourist passenger transport,
dangerous goods), school buses, public-transport and other large or medium
buses, formerly operating buses (营转非), heavy and medium trucks, and
tractors for semi- and full trailers. Such a vehicle goes to the 车管所
with on-site inspection, never through a service-station one-stop. The
tables below are data so a city can add to them.
"""

from __future__ import annotations

from enum import StrEnum

from .code_tables import UseNature, VehicleType

__all__ = [
    "KEY_USE_NATURES",
    "KEY_VEHICLE_TYPE_PREFIXES",
    "SCHOOL_BUS_TYPES",
    "KeyVehicleClass",
    "classify_key_vehicle",
]


class KeyVehicleClass(StrEnum):
    """Why a vehicle is a key vehicle; the value is stable, ``label_zh`` is for the clerk."""

    SCHOOL_BUS = "school_bus"
    DANGEROUS_GOODS = "dangerous_goods"
    PASSENGER_TRANSPORT = "passenger_transport"
    PUBLIC_TRANSPORT = "public_transport"
    FORMERLY_OPERATING = "formerly_operating"
    LARGE_OR_MEDIUM_BUS = "large_or_medium_bus"
    HEAVY_OR_MEDIUM_TRUCK = "heavy_or_medium_truck"
    TRACTOR = "tractor"

    @property
    def label_zh(self) -> str:
        """The Chinese name (``校车``)."""
        return _KEY_CLASS_ZH[self]


_KEY_CLASS_ZH = {
    KeyVehicleClass.SCHOOL_BUS: "校车",
    KeyVehicleClass.DANGEROUS_GOODS: "危险货物运输车",
    KeyVehicleClass.PASSENGER_TRANSPORT: "公路客运、旅游客运车辆",
    KeyVehicleClass.PUBLIC_TRANSPORT: "公交客运车辆",
    KeyVehicleClass.FORMERLY_OPERATING: "营转非车辆",
    KeyVehicleClass.LARGE_OR_MEDIUM_BUS: "大中型客车",
    KeyVehicleClass.HEAVY_OR_MEDIUM_TRUCK: "重中型货车",
    KeyVehicleClass.TRACTOR: "半挂牵引车",
}

#: Use natures that make any vehicle a key vehicle, in order of precedence.
KEY_USE_NATURES: dict[UseNature, KeyVehicleClass] = {
    UseNature.KINDERGARTEN_SCHOOL_BUS: KeyVehicleClass.SCHOOL_BUS,
    UseNature.PRIMARY_SCHOOL_BUS: KeyVehicleClass.SCHOOL_BUS,
    UseNature.JUNIOR_SCHOOL_BUS: KeyVehicleClass.SCHOOL_BUS,
    UseNature.SCHOOL_BUS: KeyVehicleClass.SCHOOL_BUS,
    UseNature.DANGEROUS_GOODS: KeyVehicleClass.DANGEROUS_GOODS,
    UseNature.HIGHWAY_PASSENGER: KeyVehicleClass.PASSENGER_TRANSPORT,
    UseNature.TOURISM: KeyVehicleClass.PASSENGER_TRANSPORT,
    UseNature.PUBLIC_TRANSPORT: KeyVehicleClass.PUBLIC_TRANSPORT,
    UseNature.OPERATING_TO_NON_OPERATING: KeyVehicleClass.FORMERLY_OPERATING,
}

#: Purpose-built school buses, whatever use nature was entered.
SCHOOL_BUS_TYPES = frozenset(
    {VehicleType.LARGE_SCHOOL_BUS, VehicleType.MEDIUM_SCHOOL_BUS, VehicleType.SMALL_SCHOOL_BUS}
)

#: Vehicle-type code prefixes (GA 802) that make a vehicle a key vehicle.
KEY_VEHICLE_TYPE_PREFIXES: dict[str, KeyVehicleClass] = {
    "K1": KeyVehicleClass.LARGE_OR_MEDIUM_BUS,
    "K2": KeyVehicleClass.LARGE_OR_MEDIUM_BUS,
    "H1": KeyVehicleClass.HEAVY_OR_MEDIUM_TRUCK,
    "H2": KeyVehicleClass.HEAVY_OR_MEDIUM_TRUCK,
    "Q1": KeyVehicleClass.TRACTOR,
    "Q2": KeyVehicleClass.TRACTOR,
}


def classify_key_vehicle(use_nature: object, vehicle_type: object) -> KeyVehicleClass | None:
    """The key-vehicle class of a vehicle, or ``None`` for an ordinary one.

    Takes the GA 24 codes (``"B"``, ``"K11"``) or the enums. A school bus by
    type or use comes first, then the use nature, then the vehicle type.
    Unknown codes count as ordinary for their part; never raises.
    """
    use = _text(use_nature)
    kind = _text(vehicle_type)
    if kind in SCHOOL_BUS_TYPES:
        return KeyVehicleClass.SCHOOL_BUS
    for nature, key_class in KEY_USE_NATURES.items():
        if use == nature:
            return key_class
    if kind is not None:
        for prefix, key_class in KEY_VEHICLE_TYPE_PREFIXES.items():
            if kind.startswith(prefix):
                return key_class
    return None


def _text(code: object) -> str | None:
    if not isinstance(code, str) or len(code) > 8:  # pragma: no mutate (size guard)
        return None
    return code.strip().upper()
