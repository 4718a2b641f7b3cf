"""Car test helpers: unused pool certificates, fictional buyers and complete request bodies.

:func:`unused_car_certificates` hands out certificates no earlier call in this
process got (per category), so tests sharing a sandbox never collide on a VIN.
:func:`demo_car_registration_body` builds a valid ``POST /v1/vehicle-registrations``
body for a pool certificate. Everything is fictional; ID numbers and credit
codes have valid check characters.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from ..rules.cars import DEFAULT_CAR_CONFIG, expected_car_plate_kind
from . import car_catalogue
from .clock import shanghai_date, system_clock
from .seed import demo_owner, fictional_id_number

__all__ = [
    "CAR_CATEGORIES",
    "STATION_CATEGORIES",
    "demo_agent",
    "demo_car_owner",
    "demo_car_registration_body",
    "demo_unit_owner",
    "fleet_bus_certificates",
    "unused_car_certificates",
]

CAR_CATEGORIES = tuple(dict.fromkeys(model.category for model in car_catalogue.CAR_MODELS))
#: The categories a registration service station takes (non-operating small passenger cars).
STATION_CATEGORIES = (
    "sedan_petrol",
    "sedan_hev",
    "nev_phev",
    "nev_erev",
    "nev_bev",
    "nev_fcev",
    "mpv",
    "van",
)

_lock = threading.Lock()
_given: set[int] = set()  # pool indexes handed out in this process, whatever the categories
_cursor: dict[str, int] = {}


def unused_car_certificates(
    n: int, *, categories: Iterable[str] = STATION_CATEGORIES, start: int = 0
) -> list[dict[str, Any]]:
    """``n`` pool certificates of ``categories`` that no earlier call in this process got.

    Scans the pool from ``start``; raises ``ValueError`` when it runs out.
    """
    wanted = set(categories)
    unknown = wanted - set(CAR_CATEGORIES)
    if unknown:
        raise ValueError(f"unknown categories {sorted(unknown)}; use {CAR_CATEGORIES}")
    key = ",".join(sorted(wanted))
    found: list[dict[str, Any]] = []
    with _lock:
        index = max(_cursor.get(key, 0), start)
        while len(found) < n:
            if index >= car_pool_size():
                raise ValueError(f"the car pool holds fewer than {n} more {key} certificates")
            certificate = car_catalogue.car_certificate_at(index)
            if index not in _given and car_catalogue.model_of(certificate).category in wanted:
                _given.add(index)
                found.append(certificate)
            index += 1
        _cursor[key] = index
    return found


_fleet_cursor: dict[str, int] = {}


def fleet_bus_certificates(n: int, *, model: str = "DH6105BEV") -> list[dict[str, Any]]:
    """``n`` certificates of a city-bus model's fleet series no earlier call in this process got.

    Deterministic: the series is fixed (``car_catalogue.fleet_certificate``); each call
    continues where the last stopped. ``DH6105BEV``: a 10.5 m battery-electric city bus
    (K11, fuel C, 80 seats), plate kind 51. Raises ``ValueError`` when the series runs out.
    """
    index = next((i for i, m in enumerate(car_catalogue.CAR_MODELS) if m.model == model), None)
    if index is None or car_catalogue.CAR_MODELS[index].category not in (
        car_catalogue.FLEET_CATEGORIES
    ):
        raise ValueError(f"{model} has no fleet series (a city-bus model has)")
    size = car_catalogue.cars_of(index) - car_catalogue.CARS_PER_MODEL
    with _lock:
        start = _fleet_cursor.get(model, 0)
        if start + n > size:
            raise ValueError(f"the fleet series of {model} holds fewer than {n} more buses")
        _fleet_cursor[model] = start + n
    return [car_catalogue.fleet_certificate(index, start + i) for i in range(n)]


def car_pool_size() -> int:
    return car_catalogue.car_pool_size()


def demo_car_owner(index: int = 0, *, area: str = "320706") -> dict[str, Any]:
    """A fictional private buyer (wire form of ``CarOwner``); ``area`` is the ID's area code."""
    person = demo_owner(index)
    return {
        "kind": "person",
        "name": person["name"],
        "id_type": "A",
        "id_number": fictional_id_number(index, area=area),
        "mobile": person["mobile"],
        "address": person["address"],
    }


def _uscc(index: int) -> str:
    from stdnum.cn import uscc

    body = f"91320700{index % 10**9:09d}"
    return body + uscc.calc_check_digit(body + "0")


def demo_unit_owner(index: int = 0, *, name: str = "连云港演示公交有限公司") -> dict[str, Any]:
    """A fictional company owner with a valid unified social credit code (``N``)."""
    return {
        "kind": "unit",
        "name": name,
        "id_type": "N",
        "id_number": _uscc(index),
        "mobile": f"1990001{index % 10000:04d}",
        "address": f"江苏省连云港市海州区演示大道 {index % 500 + 1} 号",
    }


def demo_agent(index: int, authorisation_upload: str) -> dict[str, Any]:
    """A fictional agent (经办人) with the upload of the owner's authorisation."""
    person = demo_owner(index + 5000)
    return {
        "name": person["name"],
        "id_type": "A",
        "id_number": person["id_number"],
        "mobile": person["mobile"],
        "authorisation_upload": authorisation_upload,
    }


def demo_car_registration_body(
    certificate: dict[str, Any],
    store_id: str,
    *,
    selection_id: str | None = None,
    retained_number: str | None = None,
    index: int = 0,
    uploads: list[str] | None = None,
    owner: dict[str, Any] | None = None,
    agent: dict[str, Any] | None = None,
    invoice_number: str | None = None,
    invoice_date: date | None = None,
    use_nature: str | None = None,
) -> dict[str, Any]:
    """A complete ``POST /v1/vehicle-registrations`` body for a pool certificate.

    The plate comes from ``selection_id`` or, with ``retained_number``, an old number
    kept. An invoice number ending ``0097``/``0098`` triggers the sandbox's returned
    review / rejected inspection (docs/api/sandbox.md).
    """
    model = car_catalogue.model_of(certificate)
    day = invoice_date or shanghai_date(system_clock())
    plate: dict[str, Any] = {
        "kind": expected_car_plate_kind(certificate, certificate, DEFAULT_CAR_CONFIG).value
    }
    if retained_number:
        plate.update(source="retained", number=retained_number)
    else:
        plate.update(source="selection", selection_id=selection_id or "ps_missing")
    body: dict[str, Any] = {
        "store_id": store_id,
        "vehicle": {
            "vin": certificate["vin"],
            "certificate_number": certificate["certificate_number"],
            "origin": "domestic",
            "vehicle_type": certificate["vehicle_type"],
            "use_nature": use_nature or model.use_nature,
            "fuel_type": certificate["fuel_type"],
            "energy_type": certificate["energy_type"],
            "color": certificate["color"],
        },
        "owner": owner or demo_car_owner(index),
        "invoice": {
            "number": invoice_number or f"{44000000 + index % 10**7:08d}",
            "date": day.isoformat(),
            "price_fen": model.price_fen,
        },
        "insurance": {
            "policy_number": f"PDZA{day:%Y}{index % 10**8:08d}",
            "starts_on": day.isoformat(),
            "ends_on": (day + timedelta(days=364)).isoformat(),
        },
        "plate": plate,
        "uploads": list(uploads or []),
    }
    if agent is not None:
        body["agent"] = agent
    return body
