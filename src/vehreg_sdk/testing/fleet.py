"""A fictional bus depot: a bus company, its new battery-electric buses, and their car sheet.

For the depot example, the fleet tests and the docs. The buses are the sandbox's
fleet series of the DH6105BEV city bus (K11, fuel C, energy BEV, plate kind 51);
the company has a valid credit code, its staff are fictional.

>>> from datetime import date
>>> row = depot_row(0, {"vin": "LDKB00KA2TD000061", "certificate_number": "WLDK3126000061"},
...                 company=bus_company(), on=date(2026, 12, 1), uploads=[])
>>> row["plate_kind"], row["plate_source"], row["use_nature"]
('51', '顺序', 'C')
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..bulk.car_columns import CAR_COLUMNS

__all__ = ["BusCompany", "bus_company", "depot_row", "write_depot_sheet"]

#: The invoice price of one DH6105BEV bus, VAT included (fen): as the sandbox's model.
BUS_PRICE_FEN = 180_000_000


@dataclass(frozen=True, slots=True)
class BusCompany:
    """The fleet owner (a 城市公交企业) and the people who act and answer for it."""

    name: str
    credit_code: str
    mobile: str
    address: str
    agent_name: str
    agent_id_number: str
    agent_mobile: str
    safety_officer_name: str
    safety_officer_mobile: str

    def owner(self) -> dict[str, Any]:
        """The owner as a registration or an inspection request names it (wire form)."""
        return {
            "kind": "unit",
            "name": self.name,
            "id_type": "N",
            "id_number": self.credit_code,
            "mobile": self.mobile,
            "address": self.address,
        }


def bus_company(index: int = 7) -> BusCompany:
    """A fictional bus company of 灌云县 with a valid credit code (``index`` varies it)."""
    from ..sandbox.car_seed import demo_unit_owner
    from ..sandbox.seed import demo_owner

    unit = demo_unit_owner(index, name="灌云县演示公共交通有限公司")
    agent = demo_owner(index + 7000)
    return BusCompany(
        name=unit["name"],
        credit_code=unit["id_number"],
        mobile=unit["mobile"],
        address="江苏省连云港市灌云县演示公交场站 1 号",
        agent_name=agent["name"],
        agent_id_number=agent["id_number"],
        agent_mobile=agent["mobile"],
        safety_officer_name="赵安全",
        safety_officer_mobile="13900000077",
    )


def depot_row(
    index: int,
    certificate: Mapping[str, Any],
    *,
    company: BusCompany,
    on: date,
    uploads: Sequence[str],
    authorisation_upload: str = "",
) -> dict[str, str]:
    """One bus as a car-sheet row (column key -> text): plates in sequence, supervision filled."""
    return {
        "client_reference": f"DEPOT-{on:%Y%m%d}-{index + 1:03d}",
        "vin": str(certificate["vin"]),
        "certificate_number": str(certificate["certificate_number"]),
        "vehicle_type": "K11",
        "use_nature": "C",
        "fuel_type": "C",
        "energy_type": "BEV",
        "owner_kind": "单位",
        "owner_name": company.name,
        "owner_id_type": "N",
        "owner_id_number": company.credit_code,
        "owner_mobile": company.mobile,
        "owner_address": company.address,
        "agent_name": company.agent_name,
        "agent_id_number": company.agent_id_number,
        "agent_mobile": company.agent_mobile,
        "agent_authorisation_upload": authorisation_upload,
        "invoice_number": f"{55000000 + index:08d}",
        "invoice_date": on.isoformat(),
        "price_yuan": f"{BUS_PRICE_FEN / 100:.2f}",
        "insurance_policy_number": f"PDZA{on:%Y}GY{index + 1:06d}",
        "insurance_starts_on": on.isoformat(),
        "insurance_ends_on": (on + timedelta(days=364)).isoformat(),
        "plate_kind": "51",
        "plate_source": "顺序",
        "operating_enterprise_credit_code": company.credit_code,
        "road_transport_licence_number": f"苏交运管3207{index + 1:08d}",
        "safety_officer_name": company.safety_officer_name,
        "safety_officer_mobile": company.safety_officer_mobile,
        "uploads": ";".join(uploads),
    }


def write_depot_sheet(path: str | Path, rows: Iterable[Mapping[str, str]]) -> Path:
    """Write car-sheet rows as a UTF-8 CSV with the template's Chinese headers."""
    target = Path(path)
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.header_zh for column in CAR_COLUMNS])
        for row in rows:
            writer.writerow([row.get(column.key, "") for column in CAR_COLUMNS])
    return target
