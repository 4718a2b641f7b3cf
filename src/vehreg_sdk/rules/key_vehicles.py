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

from dataclasses import dataclass, field
from enum import StrEnum

from .code_tables import UseNature, VehicleType

__all__ = [
    "KEY_USE_NATURES",
    "KEY_VEHICLE_TYPE_PREFIXES",
    "LICENCE_USE_NATURES",
    "SCHOOL_BUS_TYPES",
    "KeyVehicleClass",
    "KeyVehicleExplanation",
    "KeyVehicleRules",
    "classify_key_vehicle",
    "explain_key_vehicle",
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

    @property
    def label_en(self) -> str:
        """The English name (``school bus``)."""
        return _KEY_CLASS_EN[self]


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

_KEY_CLASS_EN = {
    KeyVehicleClass.SCHOOL_BUS: "school bus",
    KeyVehicleClass.DANGEROUS_GOODS: "dangerous-goods vehicle",
    KeyVehicleClass.PASSENGER_TRANSPORT: "highway or tourist passenger vehicle",
    KeyVehicleClass.PUBLIC_TRANSPORT: "public-transport vehicle",
    KeyVehicleClass.FORMERLY_OPERATING: "formerly operating vehicle",
    KeyVehicleClass.LARGE_OR_MEDIUM_BUS: "large or medium bus",
    KeyVehicleClass.HEAVY_OR_MEDIUM_TRUCK: "heavy or medium truck",
    KeyVehicleClass.TRACTOR: "semi-trailer tractor",
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


#: Use natures whose key vehicles carry a road-transport licence (道路运输证) number in
#: their supervision enrolment [U]: the operating ones (§7.5 "operating types also need
#: transport-authority paperwork"); school buses and 营转非 do not by default.
LICENCE_USE_NATURES = frozenset(
    nature.value
    for nature in (
        UseNature.HIGHWAY_PASSENGER,
        UseNature.PUBLIC_TRANSPORT,
        UseNature.TOURISM,
        UseNature.FREIGHT,
        UseNature.DANGEROUS_GOODS,
    )
)


@dataclass(frozen=True, slots=True)
class KeyVehicleRules:
    """Which vehicles are key vehicles and what their enrolment needs [M/U]: data, per city.

    ``use_natures`` and ``type_prefixes`` map codes to a class (school-bus types come
    first); ``licence_use_natures`` are the use natures whose enrolment names a
    road-transport licence number.
    """

    use_natures: dict[str, KeyVehicleClass] = field(
        default_factory=lambda: {k.value: v for k, v in KEY_USE_NATURES.items()}
    )
    school_bus_types: frozenset[str] = frozenset(t.value for t in SCHOOL_BUS_TYPES)
    type_prefixes: dict[str, KeyVehicleClass] = field(
        default_factory=lambda: dict(KEY_VEHICLE_TYPE_PREFIXES)
    )
    licence_use_natures: frozenset[str] = LICENCE_USE_NATURES


DEFAULT_KEY_VEHICLE_RULES = KeyVehicleRules()


@dataclass(frozen=True, slots=True)
class KeyVehicleExplanation:
    """Why a vehicle is a key vehicle: its class, the code that made it so, in both languages.

    ``basis`` is ``"vehicle_type"`` or ``"use_nature"``; ``code`` the GA 24/802 code.
    """

    key_class: KeyVehicleClass
    basis: str
    code: str
    message: str
    message_zh: str

    def to_dict(self) -> dict[str, str]:
        return {
            "class": self.key_class.value,
            "basis": self.basis,
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
        }


def classify_key_vehicle(
    use_nature: object, vehicle_type: object, *, rules: KeyVehicleRules | None = None
) -> KeyVehicleClass | None:
    """The key-vehicle class of a vehicle, or ``None`` for an ordinary one.

    Takes the GA 24 codes (``"B"``, ``"K11"``) or the enums. A school bus by
    type or use comes first, then the use nature, then the vehicle type.
    Unknown codes count as ordinary for their part; never raises.
    :func:`explain_key_vehicle` says why, in both languages.
    """
    found = _classify(use_nature, vehicle_type, rules or DEFAULT_KEY_VEHICLE_RULES)
    return None if found is None else found[0]


def explain_key_vehicle(
    use_nature: object, vehicle_type: object, *, rules: KeyVehicleRules | None = None
) -> KeyVehicleExplanation | None:
    """Why the vehicle is a key vehicle (重点车辆), in English and Chinese; ``None`` if it is not.

    >>> explain_key_vehicle("C", "K11").message_zh
    '使用性质为公交客运（C），属于重点车辆（公交客运车辆）：须上门查验或到车管所查验，不能在登记服务站办理，不免检。'
    """
    found = _classify(use_nature, vehicle_type, rules or DEFAULT_KEY_VEHICLE_RULES)
    if found is None:
        return None
    key_class, basis, code = found
    if basis == "use_nature":
        nature = UseNature(code)
        why_en, why_zh = (
            f"its use nature is {nature.label_en} ({code})",
            (f"使用性质为{nature.label_zh}（{code}）"),
        )
    else:
        kind = VehicleType(code) if code in VehicleType._value2member_map_ else None
        name_en = kind.label_en if kind else code
        name_zh = kind.label_zh if kind else code
        why_en, why_zh = f"its vehicle type is {name_en} ({code})", f"车辆类型为{name_zh}（{code}）"
    return KeyVehicleExplanation(
        key_class,
        basis,
        code,
        f"A key vehicle ({key_class.label_en}) because {why_en}: it is inspected on site or at "
        "the vehicle office, never at a registration service station, and never "
        "inspection-exempt.",
        f"{why_zh}，属于重点车辆（{key_class.label_zh}）：须上门查验或到车管所查验，"
        "不能在登记服务站办理，不免检。",
    )


def _classify(
    use_nature: object, vehicle_type: object, rules: KeyVehicleRules
) -> tuple[KeyVehicleClass, str, str] | None:
    use = _text(use_nature)
    kind = _text(vehicle_type)
    if kind is not None and kind in rules.school_bus_types:
        return KeyVehicleClass.SCHOOL_BUS, "vehicle_type", kind
    if use is not None and use in rules.use_natures:
        return rules.use_natures[use], "use_nature", use
    if kind is not None:
        for prefix, key_class in rules.type_prefixes.items():
            if kind.startswith(prefix):
                return key_class, "vehicle_type", kind
    return None


def _text(code: object) -> str | None:
    if not isinstance(code, str) or len(code) > 8:  # pragma: no mutate (size guard)
        return None
    return code.strip().upper()
