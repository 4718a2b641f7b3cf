"""The sandbox's pool of car certificates of conformity (机动车整车出厂合格证).

Fictional and deterministic, computed on demand like the e-bike pool: 36
models from 7 fictional makers, 60 cars each (2,160 certificates). Every VIN
has a correct check digit (GB 16735) and its maker's WMI (an ``L…`` code, as
for cars made in China). The mix is what a 4S station and its vehicle office
meet: petrol, HEV, PHEV, EREV, BEV and FCEV passenger cars, MPVs and vans,
pickups, light and heavy trucks, city buses, coaches, school buses, a
dangerous-goods tanker and a tractor unit.

A VIN is WMI (3) + the model's descriptor (5) + check digit + model-year
letter + plant letter + a 6-digit serial; a certificate number is ``W`` +
WMI + model number (2) + year (2) + serial (6).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from ..rules.vin import vin_check_digit

__all__ = [
    "CAR_MODELS",
    "CarModel",
    "car_certificate_at",
    "car_pool_size",
    "certificate_by_number",
    "certificate_by_vin",
    "fleet_certificate",
]

CARS_PER_MODEL = 60
#: Fleet orders: city-bus models have this many more certificates (serials after the
#: pool's 60), outside the interleaved pool, for depots of 100 buses and more.
FLEET_CARS_PER_MODEL = 1200
FLEET_CATEGORIES = frozenset({"city_bus"})
_YEAR_LETTER = {2024: "R", 2025: "S", 2026: "T"}
_COLORS = ("白", "黑", "灰", "银", "蓝", "红")


@dataclass(frozen=True, slots=True)
class Maker:
    name: str
    wmi: str
    plant: str


_MAKERS = {
    "HY": Maker("连云港海岳汽车有限公司", "LHY", "L"),
    "YT": Maker("云台新能源汽车有限公司", "LYT", "Y"),
    "HG": Maker("花果山商用车有限公司", "LHU", "H"),
    "DH": Maker("东海客车制造有限公司", "LDK", "D"),
    "HZ": Maker("黄海重型汽车有限公司", "LHZ", "G"),
    "CW": Maker("苍梧轻型车有限公司", "LCW", "C"),
    "QK": Maker("青口氢能汽车有限公司", "LKH", "K"),
}


@dataclass(frozen=True, slots=True)
class CarModel:
    """One model: its certificate data and, for tests and demos, a typical use and price."""

    category: str
    maker: str
    brand: str
    model: str
    descriptor: str
    vehicle_type: str
    fuel_type: str
    energy_type: str
    engine_model: str
    displacement_ml: int
    power_kw: int
    length_mm: int
    width_mm: int
    height_mm: int
    total_mass_kg: int
    curb_mass_kg: int
    axles: int
    seats: int
    top_speed_kmh: int
    use_nature: str
    price_fen: int


_INT_FIELDS = frozenset(
    name for name, kind in CarModel.__annotations__.items() if kind in ("int", int)
)


def _load_models() -> tuple[CarModel, ...]:
    # The table is data: one row per model in car_models.csv beside this module.
    text = (resources.files(__package__) / "car_models.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    models = []
    for row in rows:
        values: dict[str, Any] = {k: int(v) if k in _INT_FIELDS else v for k, v in row.items()}
        models.append(CarModel(**values))
    return tuple(models)


#: The 36 seed models (``car_models.csv``): the certificate data of each, and for tests
#: and demos its typical use nature and invoice price (fen, VAT included).
CAR_MODELS: tuple[CarModel, ...] = _load_models()


def car_pool_size() -> int:
    """How many car certificates the pool holds."""
    return len(CAR_MODELS) * CARS_PER_MODEL


def _made(model_index: int, serial: int) -> date:
    # 2025-03-01 .. 2026-10-27: inside two years of the project's "today" (late 2026).
    return date(2025, 3, 1) + timedelta(days=(serial * 9 + model_index * 17) % 606)


def _vin(model: CarModel, made: date, serial: int) -> str:
    maker = _MAKERS[model.maker]
    tail = _YEAR_LETTER[made.year] + maker.plant + f"{serial + 1:06d}"
    draft = maker.wmi + model.descriptor + "0" + tail
    return maker.wmi + model.descriptor + vin_check_digit(draft) + tail


def car_certificate_at(index: int) -> dict[str, Any]:
    """The certificate number ``index`` of the pool (``CarCertificate`` wire form)."""
    if not 0 <= index < car_pool_size():
        raise IndexError(f"car pool index {index} out of range 0..{car_pool_size() - 1}")
    model_index, serial = index % len(CAR_MODELS), index // len(CAR_MODELS)
    return _certificate(model_index, serial)


@lru_cache(maxsize=8192)
def _certificate(model_index: int, serial: int) -> dict[str, Any]:
    model = CAR_MODELS[model_index]
    maker = _MAKERS[model.maker]
    made = _made(model_index, serial)
    vin = _vin(model, made, serial)
    number = f"W{maker.wmi}{model_index:02d}{made.year % 100:02d}{serial + 1:06d}"
    return {
        "object": "car_certificate",
        "certificate_number": number,
        "issued_on": (made + timedelta(days=3)).isoformat(),
        "vin": vin,
        "maker": maker.name,
        "brand": model.brand,
        "model": model.model,
        "vehicle_type": model.vehicle_type,
        "color": _COLORS[(serial + model_index) % len(_COLORS)],
        "fuel_type": model.fuel_type,
        "energy_type": model.energy_type,
        "emission_standard": "国六b" if model.energy_type not in ("BEV", "FCEV") else None,
        "engine_model": model.engine_model,
        "engine_number": f"{model.engine_model[:4]}{made:%y%m}{serial + 1:05d}",
        "displacement_ml": model.displacement_ml,
        "power_kw": model.power_kw,
        "length_mm": model.length_mm,
        "width_mm": model.width_mm,
        "height_mm": model.height_mm,
        "total_mass_kg": model.total_mass_kg,
        "curb_mass_kg": model.curb_mass_kg,
        "axles": model.axles,
        "seats": model.seats,
        "top_speed_kmh": model.top_speed_kmh,
        "manufacture_date": made.isoformat(),
    }


@lru_cache(maxsize=1)
def _by_descriptor() -> dict[str, int]:
    return {_MAKERS[m.maker].wmi + m.descriptor: i for i, m in enumerate(CAR_MODELS)}


def certificate_by_vin(vin: str) -> dict[str, Any] | None:
    """The pool certificate of ``vin`` (exact, upper case), or ``None``."""
    if len(vin) != 17 or not vin[11:].isdigit():
        return None
    model_index = _by_descriptor().get(vin[:8])
    serial = int(vin[11:]) - 1
    if model_index is None or not 0 <= serial < cars_of(model_index):
        return None
    certificate = _certificate(model_index, serial)
    return certificate if certificate["vin"] == vin else None


def certificate_by_number(number: str) -> dict[str, Any] | None:
    """The pool certificate with 合格证编号 ``number``, or ``None``."""
    if len(number) != 14 or not number.startswith("W") or not number[4:].isdigit():
        return None
    model_index, serial = int(number[4:6]), int(number[8:]) - 1
    if not (0 <= model_index < len(CAR_MODELS) and 0 <= serial < cars_of(model_index)):
        return None
    certificate = _certificate(model_index, serial)
    return certificate if certificate["certificate_number"] == number else None


def cars_of(model_index: int) -> int:
    """How many certificates a model has: the pool's, plus the fleet series of a city bus."""
    extra = FLEET_CARS_PER_MODEL if CAR_MODELS[model_index].category in FLEET_CATEGORIES else 0
    return CARS_PER_MODEL + extra


def fleet_certificate(model_index: int, number: int) -> dict[str, Any]:
    """Certificate ``number`` (0-based) of a city-bus model's fleet series (not in the pool)."""
    if not 0 <= number < cars_of(model_index) - CARS_PER_MODEL:
        raise IndexError(f"fleet series index {number} out of range for model {model_index}")
    return _certificate(model_index, CARS_PER_MODEL + number)


def model_of(certificate: dict[str, Any]) -> CarModel:
    """The seed model of a pool certificate (typical use nature and price for demos)."""
    return CAR_MODELS[int(str(certificate["certificate_number"])[4:6])]
