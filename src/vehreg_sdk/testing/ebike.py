"""Fictional e-bike catalogue models, certificates and whole sale rows."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from ..types.catalogue import BatteryChemistry, CccCertificate, CccState, EbikeModel
from ..types.certificates import EbikeCertificate
from .codes import fake_ccc_number, fake_motor_code, fake_vehicle_code
from .people import fake_address, fake_mobile, fake_name, fake_resident_id

__all__ = ["fake_certificate", "fake_ebike_model", "fake_sale_row"]

_BRANDS = ("海风", "云行", "港湾", "青松", "晨骑")
_COLOURS = ("白", "黑", "红", "蓝", "灰")


def fake_ebike_model(
    rng: random.Random,
    standard: str = "GB17761-2024",
    *,
    chemistry: BatteryChemistry = BatteryChemistry.LITHIUM,
    ccc_expiry: date = date(2029, 12, 31),
) -> EbikeModel:
    """A catalogue model inside every limit of ``standard`` (a valid CCC until ``ccc_expiry``)."""
    new = standard == "GB17761-2024"
    lead_acid = chemistry is BatteryChemistry.LEAD_ACID
    return EbikeModel(
        product_model=f"TDT{rng.randrange(1000, 10000)}Z",
        brand=rng.choice(_BRANDS),
        maker="连云港示例车业有限公司",
        standard=standard,
        battery_chemistry=chemistry,
        battery_voltage_v=48,
        battery_capacity_ah=rng.choice((12, 20, 24)),
        motor_power_w=rng.choice((240, 350, 400)),
        max_speed_kmh=25,
        mass_kg=rng.randint(40, 62 if new and lead_acid else 55),
        length_mm=rng.randint(1500, 1800),
        width_mm=rng.randint(380, 450),
        height_mm=rng.randint(950, 1100),
        wheel_centre_distance_mm=rng.randint(1100, 1250),
        saddle_height_mm=rng.randint(635, 800),
        saddle_length_mm=rng.randint(250, 350),
        pedals=not new or rng.random() < 0.5,
        plastics_share_pct=round(rng.uniform(2.0, 5.5), 1) if new else None,
        beidou=new,
        ccc=CccCertificate(
            number=fake_ccc_number(rng, year=2025 if new else 2019),
            state=CccState.VALID,
            expiry=ccc_expiry,
        ),
    )


def fake_certificate(
    rng: random.Random, model: EbikeModel, manufacture_date: date
) -> EbikeCertificate:
    """The certificate of conformity (合格证) of one bike of ``model``, built that day."""
    return EbikeCertificate(
        vehicle_code=fake_vehicle_code(rng, year=manufacture_date.year),
        certificate_number=f"A{rng.randrange(10**15):016d}",
        product_model=model.product_model,
        brand=model.brand,
        maker=model.maker,
        color=rng.choice(_COLOURS),
        manufacture_date=manufacture_date,
        motor_code=fake_motor_code(rng),
        model=model,
    )


def fake_sale_row(
    rng: random.Random, certificate: EbikeCertificate, *, sold_on: date
) -> dict[str, Any]:
    """A registration row (``vehicle``, ``owner``, ``sale`` dicts) that passes every rule.

    The owner is an adult born 1960–2007; the sale happened on ``sold_on``.
    """
    model = certificate.model
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(40 * 365))
    return {
        "vehicle": {
            "vehicle_code": certificate.vehicle_code,
            "motor_code": certificate.motor_code,
            "product_model": certificate.product_model,
            "color": certificate.color,
            "battery_chemistry": str(model.battery_chemistry),
            "battery_voltage_v": model.battery_voltage_v,
            "battery_capacity_ah": model.battery_capacity_ah,
        },
        "owner": {
            "name": fake_name(rng),
            "id_type": "A",
            "id_number": fake_resident_id(rng, birth),
            "mobile": fake_mobile(rng),
            "address": fake_address(rng),
        },
        "sale": {
            "invoice_number": f"{rng.randrange(10**8):08d}",
            "invoice_date": sold_on,
            "price_fen": rng.randrange(150_000, 600_000),
            "clerk_id": f"clerk_{rng.randrange(100):02d}",
        },
    }
