"""The sandbox's seed catalogue (新国标目录) and its pool of per-bike certificates.

Everything here is fictional and deterministic: the same code gives the same
certificate on every machine. Certificates are computed from the vehicle code
on demand instead of being inserted as rows, so a pool of 36,000 bikes costs
nothing at start-up.

A vehicle code (整车编码) is 15 digits: a 4-digit maker code, ``2`` for an
electric bicycle, the 2-digit production year and an 8-digit serial. A code
belongs to the pool when its maker is a seed brand, its serial is below
:data:`SERIALS_PER_BRAND` and its year is the one the serial implies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

#: Bikes per brand in the certificate pool (9 brands: 36,000 certificates).
SERIALS_PER_BRAND = 4000

#: Serials ending in this suffix are on the sandbox's stolen list (被盗抢车辆).
STOLEN_SERIAL_SUFFIX = "999"

COLORS = ("白", "黑", "红", "蓝", "灰", "绿", "银", "粉")


@dataclass(frozen=True, slots=True)
class Brand:
    """A fictional brand (商标) and its maker (生产企业) with a 4-digit maker code."""

    name: str
    prefix: str
    maker_code: str
    maker: str


BRANDS: tuple[Brand, ...] = (
    Brand("云帆", "YF", "6101", "连云港云帆车业有限公司"),
    Brand("海风", "HF", "6102", "江苏海风电动车有限公司"),
    Brand("青松", "QS", "6103", "青松绿能科技有限公司"),
    Brand("蓝鲸", "LJ", "6104", "蓝鲸动力车业有限公司"),
    Brand("金穗", "JS", "6105", "金穗电动车制造有限公司"),
    Brand("飞鸥", "FO", "6106", "飞鸥车业有限公司"),
    Brand("星河", "XH", "6107", "星河智能出行科技有限公司"),
    Brand("白桦", "BH", "6108", "白桦电动车有限公司"),
    Brand("岚山", "LS", "6109", "岚山车业有限公司"),
)
MODELS_PER_BRAND = 5

#: The one model whose CCC certificate is suspended (暂停), and the one whose CCC has expired.
SUSPENDED_CCC_MODEL = "QS-TDT2402Z"
EXPIRED_CCC_MODEL = "FO-TDT2401Z"


def _model(brand_index: int, model_index: int) -> dict[str, Any]:
    brand = BRANDS[brand_index]
    # The last model of every brand is 2018-standard stock; the rest are 2024-standard.
    new_standard = model_index < MODELS_PER_BRAND - 1
    lead_acid = (brand_index + model_index) % 3 == 0
    spread = (brand_index * 7 + model_index * 3) % 10  # 0..9, varies the figures
    if new_standard:
        product_model = f"{brand.prefix}-TDT24{model_index:02d}Z"
        mass = 50.0 + spread * 1.2 if lead_acid else 38.0 + spread * 1.5
        issued = date(2025, 3 + model_index, 10 + brand_index)
        ccc_serial = 100 + brand_index * 10 + model_index
    else:
        product_model = f"{brand.prefix}-TDT18{model_index:02d}Z"
        mass = 44.0 + spread if lead_acid else 36.0 + spread * 1.6
        issued = date(2019 + brand_index % 4, 6, 1 + brand_index)
        ccc_serial = 500 + brand_index * 10 + model_index
    state = "valid"
    expiry = date(issued.year + 5, issued.month, issued.day)
    if product_model == SUSPENDED_CCC_MODEL:
        state = "suspended"
    if product_model == EXPIRED_CCC_MODEL:
        state, expiry = "expired", date(2026, 6, 30)
    return {
        "object": "ebike_model",
        "product_model": product_model,
        "brand": brand.name,
        "maker": brand.maker,
        "standard": "GB17761-2024" if new_standard else "GB17761-2018",
        "battery_chemistry": "lead_acid" if lead_acid else "lithium",
        "battery_voltage_v": 48.0 if lead_acid or spread % 4 else 36.0,
        "battery_capacity_ah": (12.0, 20.0)[spread % 2] if lead_acid else 10.0 + spread * 1.5,
        "motor_power_w": (250.0, 350.0, 400.0)[spread % 3],
        "max_speed_kmh": 25.0,
        "mass_kg": round(mass, 1),
        "length_mm": 1500 + spread * 25,
        "width_mm": 420 + spread * 3,
        "height_mm": 1000 + spread * 9,
        "wheel_centre_distance_mm": 1150 + spread * 9,
        "saddle_height_mm": 720 + spread * 6,
        "saddle_length_mm": 260 + spread * 4,
        "pedals": (not new_standard) or model_index % 2 == 0,
        "plastics_share_pct": round(3.0 + spread * 0.25, 2) if new_standard else None,
        "beidou": new_standard,
        "ccc": {
            "number": f"{issued.year}01" + "1119" + f"{ccc_serial:06d}",
            "state": state,
            "expiry": expiry.isoformat(),
            "issued": issued.isoformat(),
        },
    }


@lru_cache(maxsize=1)
def catalogue() -> tuple[dict[str, Any], ...]:
    """All catalogue entries (EbikeModel wire form), sorted by product model."""
    models = [_model(b, m) for b in range(len(BRANDS)) for m in range(MODELS_PER_BRAND)]
    return tuple(sorted(models, key=lambda entry: str(entry["product_model"])))


@lru_cache(maxsize=1)
def _by_model() -> dict[str, dict[str, Any]]:
    return {str(entry["product_model"]): entry for entry in catalogue()}


def find_model(product_model: str) -> dict[str, Any] | None:
    """The catalogue entry of ``product_model`` (exact, upper case), or None."""
    return _by_model().get(product_model)


@lru_cache(maxsize=len(BRANDS))
def _brand_models(brand_index: int) -> tuple[dict[str, Any], ...]:
    return tuple(_model(brand_index, m) for m in range(MODELS_PER_BRAND))


def _model_index_for(serial: int) -> int:
    # Spread serials over a brand's models: 1 in 5 bikes is 2018-standard stock.
    return (serial * 3 + serial // 5) % MODELS_PER_BRAND


def _year_and_date(serial: int, new_standard: bool) -> tuple[str, date]:
    if new_standard:
        # GB 17761-2024 applies to bikes built from 2025-09-01.
        start, span = (date(2025, 9, 1), 122) if serial % 2 == 0 else (date(2026, 1, 1), 300)
    else:
        start, span = (date(2024, 1, 1), 366) if serial % 2 == 0 else (date(2025, 1, 1), 243)
    made = start + timedelta(days=(serial * 37) % span)
    return f"{made.year % 100:02d}", made


def vehicle_code_at(index: int) -> str:
    """The pool's vehicle code number ``index`` (0 <= index < :func:`pool_size`)."""
    if not 0 <= index < pool_size():
        raise IndexError(f"pool index {index} out of range 0..{pool_size() - 1}")
    brand_index, serial = index % len(BRANDS), index // len(BRANDS)
    model = _brand_models(brand_index)[_model_index_for(serial)]
    year, _ = _year_and_date(serial, model["standard"] == "GB17761-2024")
    return f"{BRANDS[brand_index].maker_code}2{year}{serial:08d}"


def pool_size() -> int:
    """How many certificates the pool holds."""
    return SERIALS_PER_BRAND * len(BRANDS)


def certificate_for(vehicle_code: str) -> dict[str, Any] | None:
    """The certificate of conformity (EbikeCertificate wire form) for a pool code, else None."""
    if len(vehicle_code) != 15 or not vehicle_code.isascii() or not vehicle_code.isdigit():
        return None
    maker_code, kind, year, serial_text = (
        vehicle_code[:4],
        vehicle_code[4],
        vehicle_code[5:7],
        vehicle_code[7:],
    )
    brand_index = next((i for i, b in enumerate(BRANDS) if b.maker_code == maker_code), None)
    serial = int(serial_text)
    if brand_index is None or kind != "2" or serial >= SERIALS_PER_BRAND:
        return None
    brand = BRANDS[brand_index]
    model_index = _model_index_for(serial)
    model = _brand_models(brand_index)[model_index]
    expected_year, made = _year_and_date(serial, model["standard"] == "GB17761-2024")
    if year != expected_year:
        return None
    return {
        "object": "ebike_certificate",
        "vehicle_code": vehicle_code,
        "certificate_number": f"A{maker_code}{year}{model_index}T{serial_text}",
        "product_model": model["product_model"],
        "brand": brand.name,
        "maker": brand.maker,
        "color": COLORS[(serial * 3 + brand_index) % len(COLORS)],
        "manufacture_date": made.isoformat(),
        "motor_code": f"{brand.prefix}M{year}{serial_text}",
        "model": model,
    }


def is_stolen(vehicle_code: str) -> bool:
    """Whether the code is on the sandbox's stolen list (a pool code whose serial ends ``999``)."""
    return certificate_for(vehicle_code) is not None and vehicle_code.endswith(STOLEN_SERIAL_SUFFIX)


def model_is_sellable(model: dict[str, Any], on: date) -> bool:
    """2024-standard with a valid, unexpired CCC certificate: what the rules accept on ``on``."""
    ccc = model["ccc"]
    return (
        model["standard"] == "GB17761-2024"
        and ccc["state"] == "valid"
        and date.fromisoformat(ccc["expiry"]) >= on
    )
