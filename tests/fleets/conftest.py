"""Fixtures of the fleet tests: a loopback sandbox, a signed client, and a fleet's paperwork.

Everyone is fictional (``vehreg_sdk.testing``, ``sandbox.car_seed``); credit codes and ID
numbers have valid check characters.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from tests.support.loopback import dealer_client

from vehreg_sdk import VehregClient
from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.sandbox.car_catalogue import model_of
from vehreg_sdk.sandbox.clock import shanghai_date
from vehreg_sdk.testing import SAMPLE_JPEG
from vehreg_sdk.testing.fleet import BusCompany, bus_company
from vehreg_sdk.types import OnsiteInspection

DEALER = DEMO_DEALERS[0]
STORE = DEALER.store_ids[0]
SHANGHAI = timezone(timedelta(hours=8))
#: What a unit's registration on the on-site channel files (the inspectors take the rest).
UNIT_PAPERS = ("invoice", "insurance_policy", "business_licence", "agent_id")


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("VEHREG_BASE_URL", "VEHREG_APP_KEY", "VEHREG_APP_SECRET", "VEHREG_LOG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VEHREG_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def server(module_sandbox_db: Path | str) -> Iterator[SandboxServer]:
    """The module's bureau on each engine in turn (SQLite, then PostgreSQL)."""
    with SandboxServer(module_sandbox_db) as running:
        yield running


@pytest.fixture
def client(server: SandboxServer) -> Iterator[VehregClient]:
    yield from dealer_client(server, DEALER)


@pytest.fixture
def today() -> date:
    return shanghai_date(time.time())


@pytest.fixture
def company() -> BusCompany:
    return bus_company()


def window(on: date) -> dict[str, str]:
    starts = datetime.combine(on, datetime.min.time(), SHANGHAI) + timedelta(hours=8)
    return {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=10)).isoformat()}


def inspected(
    client: VehregClient,
    company: BusCompany,
    vins: list[str],
    on: date,
    results: list[dict[str, Any]] | None = None,
) -> OnsiteInspection:
    """An on-site inspection of ``vins`` requested, scheduled and inspected (``results``)."""
    request = client.onsite_inspections.create(
        owner=company.owner(),
        contact={"name": company.agent_name, "mobile": company.agent_mobile},
        depot_address=company.address,
        window=window(on),
        vins=vins,
    )
    client.onsite_inspections.test_helpers.schedule(request.id)
    return client.onsite_inspections.test_helpers.inspect(request.id, results=results)


def onsite_body(
    client: VehregClient,
    company: BusCompany,
    certificate: dict[str, Any],
    on: date,
    *,
    use_nature: str | None = None,
    supervision: dict[str, Any] | None = None,
    index: int = 0,
) -> dict[str, Any]:
    """A complete registration through an on-site inspection (without the channel id)."""

    def upload(kind: str) -> str:
        return client.uploads.create(file=SAMPLE_JPEG, kind=kind).id

    model = model_of(certificate)
    plate_kind = rules_plate_kind(certificate)
    body: dict[str, Any] = {
        "vehicle": {
            "vin": certificate["vin"],
            "certificate_number": certificate["certificate_number"],
            "vehicle_type": certificate["vehicle_type"],
            "use_nature": use_nature or model.use_nature,
            "fuel_type": certificate["fuel_type"],
            "energy_type": certificate["energy_type"],
        },
        "owner": company.owner(),
        "agent": {
            "name": company.agent_name,
            "id_type": "A",
            "id_number": company.agent_id_number,
            "mobile": company.agent_mobile,
            "authorisation_upload": upload("agent_authorisation"),
        },
        "invoice": {"number": f"6600{index:04d}1", "date": on.isoformat(),
                    "price_fen": model.price_fen},
        "insurance": {"policy_number": f"PDZA{index:06d}", "starts_on": on.isoformat(),
                      "ends_on": (on + timedelta(days=364)).isoformat()},
        "plate": {"kind": plate_kind, "source": "sequence"},
        "uploads": [upload(kind) for kind in UNIT_PAPERS],
    }  # fmt: skip
    if supervision is not None:
        body["supervision"] = supervision
    return body


def rules_plate_kind(certificate: dict[str, Any]) -> str:
    from vehreg_sdk import rules

    return rules.expected_car_plate_kind(certificate, certificate).value


def pay_unit_tax(client: VehregClient, certificate: dict[str, Any], on: date) -> None:
    client.purchase_tax.test_helpers.pay(
        certificate["vin"], price_fen=model_of(certificate).price_fen, invoice_date=on,
        buyer="unit",
    )  # fmt: skip


def wait_final(client: VehregClient, registration_id: str, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = client.vehicle_registrations.retrieve(registration_id)
        if found.is_final or time.monotonic() > deadline:
            return found
        time.sleep(0.05)
