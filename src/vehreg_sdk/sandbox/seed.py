"""Seed data and helpers for tests, demos and examples.

* :data:`DEMO_DEALERS`: two fictional dealers with fixed credentials. The first
  has three stores, the second (a campus dealer) one.
* :func:`sellable_vehicle_codes`: fresh pool codes that pass the rules today,
  so client, bulk and POS tests can register real-looking bikes.
* :func:`stolen_vehicle_codes`, :func:`unsellable_vehicle_codes`: codes the
  bureau refuses, to exercise its 422 answers on purpose.
* :func:`demo_owner`, :func:`demo_registration_body`: fictional people with
  valid ID-number checksums, and a complete request body.

All of it is deterministic: the same arguments give the same values everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import catalogue
from .clock import shanghai_date, system_clock

__all__ = [
    "DEMO_DEALERS",
    "DemoDealer",
    "DemoStore",
    "demo_owner",
    "demo_registration_body",
    "fictional_id_number",
    "sellable_vehicle_codes",
    "stolen_vehicle_codes",
    "unsellable_vehicle_codes",
]


@dataclass(frozen=True, slots=True)
class DemoStore:
    """A seeded outlet (门店)."""

    id: str
    name: str
    address: str
    district_code: str
    phone: str
    #: A registration station (登记服务站) authorised to print temporary plates.
    temporary_plate_issuer: bool = False


@dataclass(frozen=True, slots=True)
class DemoDealer:
    """A seeded dealer and its credentials (``app_key`` / ``app_secret``)."""

    id: str
    name: str
    app_key: str
    app_secret: str
    stores: tuple[DemoStore, ...]

    @property
    def store_ids(self) -> list[str]:
        """Ids of this dealer's stores, in seed order."""
        return [store.id for store in self.stores]


DEMO_DEALERS: tuple[DemoDealer, ...] = (
    DemoDealer(
        id="dl_demo_haizhou",
        name="海州新国标电动车行（演示）",
        app_key="vk_demo_haizhou_0001",
        # Published demo credentials of a local sandbox, not a secret.
        app_secret="vs_demo_haizhou_5f1c7a92e04b4c3d8a61b2f0",  # noqa: S106
        stores=(
            DemoStore(
                "st_demo_haizhou_1",
                "海州新国标电动车行 通灌路店",
                "连云港市海州区通灌南路 88 号",
                "320706",
                "0518-85550101",
                temporary_plate_issuer=True,
            ),
            DemoStore(
                "st_demo_haizhou_2",
                "海州新国标电动车行 新浦店",
                "连云港市海州区解放中路 16 号",
                "320706",
                "0518-85550102",
            ),
            DemoStore(
                "st_demo_haizhou_3",
                "海州新国标电动车行 赣榆店",
                "连云港市赣榆区青口镇黄海路 21 号",
                "320707",
                "0518-86550103",
            ),
        ),
    ),
    DemoDealer(
        id="dl_demo_campus",
        name="海大校园电动车服务部（演示）",
        app_key="vk_demo_campus_0002",
        app_secret="vs_demo_campus_9d3e61b7a2c84f05b1e7c6d4",  # noqa: S106
        stores=(
            DemoStore(
                "st_demo_campus_1",
                "海大校园电动车服务部",
                "连云港市海州区苍梧路 59 号",
                "320706",
                "0518-85550201",
            ),
        ),
    ),
)


#: Stores authorised to print temporary plates (the contract's ``Store.temporary_plate_issuer``).
TEMPORARY_PLATE_ISSUERS = frozenset(
    store.id for dealer in DEMO_DEALERS for store in dealer.stores if store.temporary_plate_issuer
)


def _today() -> date:
    return shanghai_date(system_clock())


def _pool_codes(start: int) -> Iterator[tuple[str, dict[str, Any]]]:
    for index in range(start, catalogue.pool_size()):
        code = catalogue.vehicle_code_at(index)
        certificate = catalogue.certificate_for(code)
        assert certificate is not None  # every pool index maps to a pool code
        yield code, certificate


def sellable_vehicle_codes(n: int, start: int = 0, *, on: date | None = None) -> list[str]:
    """``n`` pool codes, scanning from pool index ``start``, that the bureau accepts on ``on``.

    Accepted means: 2024-standard model, valid and unexpired CCC, not stolen.
    Give each test its own ``start`` (say 1000 apart) when they share a sandbox.
    """
    day = on or _today()
    found: list[str] = []
    for code, certificate in _pool_codes(start):
        if len(found) == n:
            break
        if catalogue.model_is_sellable(certificate["model"], day) and not catalogue.is_stolen(code):
            found.append(code)
    if len(found) < n:
        raise ValueError(f"the pool holds fewer than {n} sellable codes from index {start}")
    return found


def stolen_vehicle_codes() -> list[str]:
    """Every code on the sandbox's stolen list: pool codes whose 8-digit serial ends ``999``."""
    return [code for code, _ in _pool_codes(0) if catalogue.is_stolen(code)]


def unsellable_vehicle_codes(reason: str, n: int = 1, start: int = 0) -> list[str]:
    """Pool codes the rules refuse: ``reason`` ``gb2018``, ``ccc_suspended`` or ``ccc_expired``."""
    wanted = {
        "gb2018": lambda c: c["model"]["standard"] == "GB17761-2018",
        "ccc_suspended": lambda c: c["product_model"] == catalogue.SUSPENDED_CCC_MODEL,
        "ccc_expired": lambda c: c["product_model"] == catalogue.EXPIRED_CCC_MODEL,
    }.get(reason)
    if wanted is None:
        raise ValueError("reason must be gb2018, ccc_suspended or ccc_expired")
    found = [
        code for code, cert in _pool_codes(start) if wanted(cert) and not catalogue.is_stolen(code)
    ][:n]
    return found


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def fictional_id_number(index: int, *, birth: date | None = None, area: str = "320706") -> str:
    """A resident ID number (GB 11643) with a valid MOD 11-2 check digit, for a fictional person."""
    # 1992..2004: adults today, and inside the years the area code was in use
    # (python-stdnum checks that, and so may the rules).
    born = birth or date(1992 + index % 13, 1 + index % 12, 1 + index % 28)
    body = f"{area}{born:%Y%m%d}{(index * 7 + 11) % 1000:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    return body + check


_SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
_GIVEN = ("晓明", "海燕", "建国", "丽华", "志强", "雪梅", "子涵", "浩然")


def demo_owner(index: int = 0, *, birth: date | None = None) -> dict[str, Any]:
    """A fictional adult owner (wire form of ``Owner``); mobiles are in the 1990000xxxx range."""
    return {
        "name": _SURNAMES[index % len(_SURNAMES)] + _GIVEN[index % len(_GIVEN)],
        "id_type": "A",
        "id_number": fictional_id_number(index, birth=birth),
        "mobile": f"1990000{index % 10000:04d}",
        "address": f"江苏省连云港市海州区演示路 {index % 500 + 1} 号",
        "use": "self",
    }


def demo_registration_body(
    vehicle_code: str,
    store_id: str,
    *,
    index: int = 0,
    uploads: list[str] | None = None,
    invoice_number: str | None = None,
    invoice_date: date | None = None,
) -> dict[str, Any]:
    """A complete, valid ``POST /v1/ebike-registrations`` body for a pool code.

    ``invoice_number`` ending ``0097`` or ``0098`` triggers the sandbox's
    returned or rejected review (see docs/api/sandbox.md).
    """
    certificate = catalogue.certificate_for(vehicle_code)
    if certificate is None:
        raise ValueError(f"{vehicle_code} is not a sandbox pool code")
    model = certificate["model"]
    return {
        "store_id": store_id,
        "vehicle": {
            "vehicle_code": vehicle_code,
            "motor_code": certificate["motor_code"],
            "product_model": certificate["product_model"],
            "color": certificate["color"],
            "battery_chemistry": model["battery_chemistry"],
            "battery_voltage_v": model["battery_voltage_v"],
            "battery_capacity_ah": model["battery_capacity_ah"],
        },
        "owner": demo_owner(index),
        "sale": {
            "invoice_number": invoice_number or f"0{index % 10**9:09d}1",
            "invoice_date": (invoice_date or _today()).isoformat(),
            "price_fen": 329_900,
            "clerk_id": "C001",
        },
        "uploads": list(uploads or []),
    }
