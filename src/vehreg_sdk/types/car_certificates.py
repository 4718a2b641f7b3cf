"""The car's certificate of conformity (机动车整车出厂合格证): the items registration needs."""

from __future__ import annotations

from datetime import date

from ._base import WireModel


class CarCertificate(WireModel):
    """One car's 合格证 (shared/domain.md §7.4), found by its number or its VIN.

    ``energy_type`` (ICE, HEV, PHEV, EREV, BEV, FCEV) decides the plate kind: GA 24's
    fuel code ``O`` covers hybrids with and without a plug, so ``fuel_type`` cannot.
    """

    object: str = "car_certificate"
    certificate_number: str
    """合格证编号."""
    issued_on: date | None = None
    vin: str
    """车辆识别代号, 17 characters with its check digit."""
    maker: str
    brand: str
    model: str
    vehicle_type: str
    """车辆类型, GA 802 code (``K33`` sedan, ``K11`` large bus …)."""
    color: str | None = None
    fuel_type: str
    """燃料种类, GA 24 code (``A`` petrol, ``C`` electric, ``O`` hybrid …)."""
    energy_type: str
    emission_standard: str | None = None
    engine_model: str | None = None
    engine_number: str | None = None
    displacement_ml: int | None = None
    power_kw: int | None = None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    total_mass_kg: int | None = None
    curb_mass_kg: int | None = None
    axles: int | None = None
    seats: int | None = None
    top_speed_kmh: int | None = None
    manufacture_date: date | None = None
