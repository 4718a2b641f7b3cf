"""``check_car_registration``: everything the bureau checks of a car registration that the till
can know locally. The sandbox runs the same function, so the two agree (a parity test holds them).

Input is the ``POST /v1/vehicle-registrations`` body (model, object or dict) with parts
``vehicle``, ``owner``, ``agent``, ``invoice``, ``insurance`` and ``plate``; field paths
in the violations start with those names. A refusal that has somewhere else to go
(station scope, imported car, non-local buyer) carries ``extra["routing"]`` with
``kind``, ``message`` and ``message_zh``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .._input import as_date, as_number, enum_text, fields_of, has_text, violation
from .._violation import Violation
from ..code_tables import FuelType, PlateKind, UseNature, VehicleType
from ..key_vehicles import explain_key_vehicle
from ..plates import validate_plate
from ..vin import validate_vin
from .channels import channel_checks, supervision_checks
from .config import DEFAULT_CAR_CONFIG, CarRuleConfig
from .energy import as_energy, expected_plate_kind, fuel_fits_energy, size_class_of
from .paperwork import owner_checks, paper_checks
from .purchase_tax import (
    BuyerKind,
    PurchaseTaxExpectation,
    TaxVehicleClass,
    compare_purchase_tax,
    expected_purchase_tax,
)
from .stations import RoutingKind, routed, routing, safety_test

__all__ = [
    "car_safety_test",
    "car_tax_class",
    "check_car_registration",
    "expected_car_plate_kind",
]

#: Without an invoice there is no expectation: only ``unpaid`` is reported.
_UNKNOWN_AMOUNT = PurchaseTaxExpectation(0, 0, None, 0, 0)

_BODY = (
    "vehicle",
    "owner",
    "agent",
    "invoice",
    "insurance",
    "plate",
    "store_id",
    "onsite_inspection_id",
    "supervision",
)
_VEHICLE = ("vin", "certificate_number", "origin", "vehicle_type", "use_nature", "fuel_type")
_VEHICLE_FIELDS = (*_VEHICLE, "energy_type", "manufacture_date")
_CERT = (
    "vin",
    "certificate_number",
    "vehicle_type",
    "fuel_type",
    "energy_type",
    "seats",
    "length_mm",
    "total_mass_kg",
    "manufacture_date",
    "model",
)


def _text(value: object) -> str:
    return (enum_text(value) or "").strip().upper()


_CODE_TABLES = (
    ("vehicle_type", frozenset(t.value for t in VehicleType), "vehicle type", "车辆类型"),
    ("use_nature", frozenset(u.value for u in UseNature), "use nature", "使用性质"),
    ("fuel_type", frozenset(f.value for f in FuelType), "fuel", "燃料种类"),
)


def car_tax_class(vehicle_type: object) -> TaxVehicleClass:
    """The tax law's class of a GA 802 type: K3/K4 passenger car, K1/K2 bus, H/Q truck."""
    code = _text(vehicle_type)
    if code.startswith(("K3", "K4")):
        return TaxVehicleClass.PASSENGER_CAR
    if code.startswith(("K1", "K2")):
        return TaxVehicleClass.BUS
    if code.startswith(("H", "Q")):
        return TaxVehicleClass.TRUCK
    return TaxVehicleClass.OTHER


def expected_car_plate_kind(
    vehicle: object, certificate: object = None, config: CarRuleConfig = DEFAULT_CAR_CONFIG
) -> PlateKind:
    """The plate kind a car takes: energy type (new-energy or not) and GA 36 size class."""
    car = fields_of(vehicle, _VEHICLE_FIELDS)
    cert = fields_of(certificate, _CERT)
    size = size_class_of(
        car.get("vehicle_type") or cert.get("vehicle_type"),
        seats=cert.get("seats"),
        length_mm=cert.get("length_mm"),
        total_mass_kg=cert.get("total_mass_kg"),
        rules=config.size_class,
    )
    return expected_plate_kind(car.get("energy_type") or cert.get("energy_type"), size)


def check_car_registration(
    registration: object,
    certificate: object = None,
    *,
    on: date,
    tax: object = None,
    config: CarRuleConfig = DEFAULT_CAR_CONFIG,
) -> list[Violation]:
    """Every violation of a car registration on the business date ``on`` (errors and warnings).

    ``certificate`` (the 合格证 as ``GET /v1/certificates/cars/...`` returns it) adds the
    consistency checks; ``tax`` (the ``GET /v1/purchase-tax/{vin}`` record) adds the tax
    checks. Never raises on bad input.
    """
    body = fields_of(registration, _BODY)
    car = fields_of(body.get("vehicle"), _VEHICLE_FIELDS)
    found = [v.at("vehicle") for v in validate_vin(car.get("vin"))]
    if _text(car.get("origin")) == "IMPORTED":
        found.append(
            routed(
                "vehicle.imported",
                "vehicle.origin",
                "An imported car cannot be registered at the station.",
                "进口车辆不能在登记服务站办理注册登记。",
                routing(RoutingKind.IMPORT),
            )
        )
        return found
    found += _vehicle_checks(car, fields_of(certificate, _CERT), certificate is not None)
    found += _plate_checks(body.get("plate"), car, certificate, config)
    given = _given(registration)
    if given:
        found += channel_checks(body, car, config)
    else:  # a caller checking only the vehicle and people: judged as at a station
        found += channel_checks({**body, "store_id": "?"}, car, config)
    if "onsite_inspection_id" in given:  # at a station a key vehicle is refused outright
        found += supervision_checks(body, car, config)
    found += owner_checks(body.get("owner"), body.get("agent"), car, on, config)
    found += paper_checks(body.get("invoice"), body.get("insurance"), on)
    if tax is not None:
        found += _tax_checks(body, car, certificate, tax, config)
    return found


def _given(registration: object) -> set[str]:
    """The channel fields a body names (a mapping's keys, a model's set values)."""
    names = ("store_id", "onsite_inspection_id")
    if isinstance(registration, Mapping):
        return {n for n in names if registration.get(n) is not None}
    return {n for n in names if getattr(registration, n, None) is not None}


def _vehicle_checks(
    car: Mapping[str, object], cert: Mapping[str, object], have_certificate: bool
) -> list[Violation]:
    found: list[Violation] = []
    if not has_text(car.get("certificate_number"), max_chars=32):
        found.append(
            violation(
                "certificate_number.required",
                "vehicle.certificate_number",
                "The certificate of conformity (合格证) number is required.",
                "请填写机动车整车出厂合格证编号。",
            )
        )
    for name, table, label, label_zh in _CODE_TABLES:
        code = _text(car.get(name))
        if code and code not in table:
            found.append(
                violation(
                    f"{name}.unknown",
                    f"vehicle.{name}",
                    f"Unknown {label} code (GA 24).",
                    f"{label_zh}代码无效（GA 24）。",
                    value=code[:8],
                )
            )
    if as_energy(car.get("energy_type")) is None:
        found.append(
            violation(
                "energy_type.unknown",
                "vehicle.energy_type",
                "The energy type is one of ICE, HEV, PHEV, EREV, BEV, FCEV.",
                "能源类型应为 ICE、HEV、PHEV、EREV、BEV、FCEV 之一。",
                value=str(car.get("energy_type"))[:8],
            )
        )
    elif not fuel_fits_energy(car.get("fuel_type"), car.get("energy_type")):
        found.append(
            violation(
                "vehicle.fuel_energy_mismatch",
                "vehicle.fuel_type",
                "The fuel code does not fit the energy type.",
                "燃料种类与能源类型不符。",
                value=_text(car.get("fuel_type")),
            )
        )
    if not have_certificate:
        return found
    for name, label_zh in (
        ("vin", "车辆识别代号"),
        ("certificate_number", "合格证编号"),
        ("vehicle_type", "车辆类型"),
        ("fuel_type", "燃料种类"),
        ("energy_type", "能源类型"),
    ):
        given, stated = _text(car.get(name)), _text(cert.get(name))
        if given and stated and given != stated:
            found.append(
                violation(
                    "certificate.mismatch",
                    f"vehicle.{name}",
                    f"The {name.replace('_', ' ')} differs from the certificate ({stated}).",
                    f"{label_zh}与合格证不一致（合格证为 {stated}）。",
                    value=given,
                    allowed=stated,
                )
            )
    return found


def _size_undecided(
    kind: str,
    wanted: PlateKind,
    car: Mapping[str, object],
    certificate: object,
    config: CarRuleConfig,
) -> bool:
    """Whether ``kind`` is the other size of the right energy while the size is unknown.

    Without the certificate's seats, length and mass, the GA 802 type alone cannot tell a
    19-seat K38 school bus (a large plate by its seats) from a 9-seat one: the till then
    leaves the size to the bureau, which has the certificate, rather than refuse a sale the
    bureau would accept. The energy (green or blue plate) is still checked.
    """
    cert = fields_of(certificate, _CERT)
    if any(
        as_number(cert.get(name)) is not None for name in ("seats", "length_mm", "total_mass_kg")
    ):
        return False
    code = _text(car.get("vehicle_type") or cert.get("vehicle_type"))
    if code.startswith(config.size_class.large_type_prefixes):
        return False
    small, large = (
        (PlateKind.SMALL_NEW_ENERGY, PlateKind.LARGE_NEW_ENERGY)
        if wanted in (PlateKind.SMALL_NEW_ENERGY, PlateKind.LARGE_NEW_ENERGY)
        else (PlateKind.SMALL, PlateKind.LARGE)
    )
    return kind in (small.value, large.value)


def _plate_checks(
    plate_part: object, car: Mapping[str, object], certificate: object, config: CarRuleConfig
) -> list[Violation]:
    plate = fields_of(plate_part, ("kind", "source", "selection_id", "number"))
    kind = _text(plate.get("kind"))
    found: list[Violation] = []
    if as_energy(car.get("energy_type")) is not None and kind:
        wanted = expected_car_plate_kind(car, certificate, config)
        if kind != wanted.value and not _size_undecided(kind, wanted, car, certificate, config):
            found.append(
                violation(
                    "plate_kind.mismatch",
                    "plate.kind",
                    f"This vehicle takes a {wanted.label_en} ({wanted.value}).",
                    f"该车应使用{wanted.label_zh}（{wanted.value}）。",
                    value=kind,
                    allowed=wanted.value,
                )
            )
    source = _text(plate.get("source"))
    if source == "RETAINED" and kind:
        found += validate_plate(
            plate.get("number"), kind, authority=config.plate_selection.authority, field="number"
        )
        found = [v.at("plate") if v.field == "number" else v for v in found]
    elif source == "SELECTION" and not has_text(plate.get("selection_id"), max_chars=64):
        found.append(
            violation(
                "plate.selection_required",
                "plate.selection_id",
                "Name the plate selection (选号) this registration confirms.",
                "请填写本次登记确认的选号记录。",
            )
        )
    return found


def _tax_checks(
    body: Mapping[str, object],
    car: Mapping[str, object],
    certificate: object,
    tax: object,
    config: CarRuleConfig,
) -> list[Violation]:
    record = fields_of(tax, ("status",))
    status = enum_text(record.get("status"))
    if status == "unknown":
        return [
            violation(
                "tax.pending",
                "purchase_tax",
                "The tax office's record of this vehicle has not arrived yet; retry shortly.",
                "税务机关的完税信息尚未传送到车管所，请稍后重试。",
                severity="warning",
            )
        ]
    invoice = fields_of(body.get("invoice"), ("date", "price_fen", "price_excl_vat_fen"))
    owner = fields_of(body.get("owner"), ("kind",))
    invoice_date, price = as_date(invoice.get("date")), invoice.get("price_fen")
    excl = invoice.get("price_excl_vat_fen")
    if invoice_date is None or type(price) is not int or price < 0:
        return compare_purchase_tax(_UNKNOWN_AMOUNT, {"status": status})
    if type(excl) is not int or excl < 0 or as_number(excl) is None:
        excl = None
    buyer = BuyerKind.UNIT if _text(owner.get("kind")) == "UNIT" else BuyerKind.PERSON
    if buyer is BuyerKind.UNIT and _text(car.get("use_nature")) == UseNature.PUBLIC_TRANSPORT:
        buyer = BuyerKind.PUBLIC_TRANSPORT
    expected = expected_purchase_tax(
        price,
        invoice_date,
        car.get("energy_type"),
        car_tax_class(car.get("vehicle_type")),
        buyer,
        price_excl_vat_fen=excl,
        model=str(fields_of(certificate, ("model",)).get("model") or "") or None,
        rules=config.purchase_tax,
    )
    return compare_purchase_tax(expected, tax)


def car_safety_test(
    vehicle: object, certificate: object, on: date, config: CarRuleConfig = DEFAULT_CAR_CONFIG
) -> str:
    """``exempt`` or ``required`` for this car on ``on`` (manufacture date from the certificate)."""
    car = fields_of(vehicle, _VEHICLE_FIELDS)
    made = as_date(fields_of(certificate, _CERT).get("manufacture_date")) or as_date(
        car.get("manufacture_date")
    )
    if explain_key_vehicle(
        car.get("use_nature"), car.get("vehicle_type"), rules=config.key_vehicles
    ):
        return "required"  # a key vehicle is never inspection-exempt (§7.5)
    return safety_test(car.get("use_nature"), car.get("vehicle_type"), made, on, config.safety_test)
