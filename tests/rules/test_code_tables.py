"""GA 24 code tables and the key-vehicle classification (§7.5)."""

from __future__ import annotations

import pytest

from vehreg_sdk.rules import (
    FuelType,
    IdDocumentType,
    KeyVehicleClass,
    PlateKind,
    UseNature,
    VehicleType,
    classify_key_vehicle,
)


@pytest.mark.parametrize(
    ("member", "code", "label_zh"),
    [
        (UseNature("A"), "A", "非营运"),
        (UseNature("C"), "C", "公交客运"),
        (UseNature("L"), "L", "营转非"),
        (VehicleType("K33"), "K33", "小型轿车"),
        (VehicleType("K39"), "K39", "小型面包车"),
        (VehicleType("K11"), "K11", "大型普通客车"),
        (VehicleType("H1A"), "H1A", "重型车辆运输车"),
        (VehicleType("Q11"), "Q11", "重型半挂牵引车"),
        (FuelType("C"), "C", "电"),
        (PlateKind("22"), "22", "临时行驶车号牌"),
        (PlateKind("52"), "52", "小型新能源汽车号牌"),
        (IdDocumentType("A"), "A", "居民身份证"),
        (IdDocumentType("N"), "N", "统一社会信用代码"),
    ],
)
def test_codes_and_chinese_labels(member: object, code: str, label_zh: str) -> None:
    assert member == code
    assert member.label_zh == label_zh  # type: ignore[attr-defined]


@pytest.mark.parametrize("table", [UseNature, VehicleType, FuelType, PlateKind, IdDocumentType])
def test_every_member_has_both_labels(table: type) -> None:
    for member in table:
        assert member.label_zh and member.label_en


@pytest.mark.parametrize(
    ("use", "kind", "expected"),
    [
        ("A", "K33", None),  # a private car
        ("A", "K39", None),
        ("B", "K33", KeyVehicleClass.PASSENGER_TRANSPORT),
        ("E", "K21", KeyVehicleClass.PASSENGER_TRANSPORT),
        ("R", "H14", KeyVehicleClass.DANGEROUS_GOODS),
        ("C", "K11", KeyVehicleClass.PUBLIC_TRANSPORT),  # the 100 buses of 灌云县
        ("L", "K11", KeyVehicleClass.FORMERLY_OPERATING),
        ("A", "K38", KeyVehicleClass.SCHOOL_BUS),  # a school bus by type
        ("S", "K11", KeyVehicleClass.SCHOOL_BUS),
        ("O", "K31", KeyVehicleClass.SCHOOL_BUS),
        ("A", "K11", KeyVehicleClass.LARGE_OR_MEDIUM_BUS),
        ("F", "H11", KeyVehicleClass.HEAVY_OR_MEDIUM_TRUCK),
        ("F", "H21", KeyVehicleClass.HEAVY_OR_MEDIUM_TRUCK),
        ("F", "H31", None),  # light trucks are not key vehicles
        ("F", "Q11", KeyVehicleClass.TRACTOR),
        (UseNature.DANGEROUS_GOODS, VehicleType.HEAVY_TANKER, KeyVehicleClass.DANGEROUS_GOODS),
        (" b ", "k33", KeyVehicleClass.PASSENGER_TRANSPORT),
        (None, None, None),
        ("?", "K99", None),
    ],
)
def test_classify_key_vehicle(use: object, kind: object, expected: KeyVehicleClass | None) -> None:
    assert classify_key_vehicle(use, kind) == expected


def test_key_vehicle_classes_have_chinese_labels() -> None:
    assert KeyVehicleClass.SCHOOL_BUS.label_zh == "校车"
    assert all(member.label_zh for member in KeyVehicleClass)
