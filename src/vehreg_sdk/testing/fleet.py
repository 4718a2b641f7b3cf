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

__all__ = [
    "BusCompany",
    "PreparedDepot",
    "bus_company",
    "depot_row",
    "prepare_depot",
    "write_depot_sheet",
]

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
        # Row order first (sortable), then the bus: unique across depots and runs.
        "client_reference": f"DEPOT-{on:%Y%m%d}-{index + 1:03d}-{str(certificate['vin'])[-6:]}",
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
        # (ends in 1: never the sandbox's 0097/0098 review triggers)
        "invoice_number": f"{55000001 + index * 10:08d}",
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


@dataclass(frozen=True, slots=True)
class PreparedDepot:
    """A depot ready for its bulk run: the inspection (``inspected``), the sheet, the buses."""

    inspection_id: str
    sheet: Path
    vins: list[str]
    company: BusCompany


def prepare_depot(
    client: Any,
    buses: int,
    workdir: str | Path,
    *,
    on: date,
    company: BusCompany | None = None,
) -> PreparedDepot:
    """Everything before the bulk run, against a sandbox (``client``: a ``VehregClient``).

    The company requests the on-site inspection of ``buses`` new buses (the sandbox's
    fleet series); the test helpers schedule it and pass every bus (inspection and
    safety test); the tax office records each bus exempt (城市公交企业); the paperwork
    photos are uploaded; the car sheet is written to ``workdir/depot.csv``.
    """
    from datetime import datetime, time, timezone

    from ..sandbox.car_seed import fleet_bus_certificates
    from .photos import SAMPLE_JPEG

    owner = company or bus_company()
    certificates = fleet_bus_certificates(buses)
    shanghai = timezone(timedelta(hours=8))
    starts = datetime.combine(on, time(8, 0), shanghai)
    inspection = client.onsite_inspections.create(
        owner=owner.owner(),
        contact={"name": owner.agent_name, "mobile": owner.agent_mobile},
        depot_address=owner.address,
        window={
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=10)).isoformat(),
        },
        vins=[c["vin"] for c in certificates],
        client_reference=f"DEPOT-{on:%Y%m%d}-{certificates[0]['vin'][-6:]}",
    )
    client.onsite_inspections.test_helpers.schedule(inspection.id)
    inspection = client.onsite_inspections.test_helpers.inspect(inspection.id)
    for certificate in certificates:
        client.purchase_tax.test_helpers.exempt(certificate["vin"], exemption="public_transport")

    def upload(kind: str) -> str:
        return str(client.uploads.create(file=SAMPLE_JPEG, kind=kind).id)

    shared = [upload("business_licence"), upload("agent_id")]
    authorisation = upload("agent_authorisation")
    rows = [
        depot_row(
            index, certificate, company=owner, on=on,
            uploads=[upload("invoice"), upload("insurance_policy"), *shared],
            authorisation_upload=authorisation,
        )
        for index, certificate in enumerate(certificates)
    ]  # fmt: skip
    target = Path(workdir)
    target.mkdir(parents=True, exist_ok=True)
    sheet = write_depot_sheet(target / "depot.csv", rows)
    return PreparedDepot(inspection.id, sheet, [c["vin"] for c in certificates], owner)
