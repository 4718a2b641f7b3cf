"""``vehreg bulk template|validate|submit --kind car`` and ``client.car_bulk``: the campus flow's
journal, reports and rejected-rows export, for cars; the car batch endpoint's contract."""

from __future__ import annotations

import csv
import uuid
from datetime import date
from pathlib import Path

import httpx
import pytest
from tests.bulk.support import Signer
from typer.testing import CliRunner

from vehreg_sdk import LocalValidationError, VehregClient
from vehreg_sdk.bulk import open_sheet
from vehreg_sdk.bulk.car_parse import CarRowParser
from vehreg_sdk.bulk.columns import column_set
from vehreg_sdk.bulk.template import write_template
from vehreg_sdk.bulk.validate import validate_file
from vehreg_sdk.cli import app
from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.sandbox.car_seed import fleet_bus_certificates
from vehreg_sdk.testing.fleet import BusCompany, depot_row, prepare_depot, write_depot_sheet

from .conftest import DEALER, STORE

CARS = column_set("car")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_car_template_reads_back_with_every_column(tmp_path: Path, suffix: str) -> None:
    path = write_template(tmp_path / f"fleet{suffix}", kind="car")
    with open_sheet(path, CARS) as sheet:
        assert [k for k in sheet.keys if k] == [c.key for c in CARS.columns]
        assert list(sheet.rows()) == []
    result = CliRunner().invoke(app, ["bulk", "template", str(tmp_path / "cli.csv"),
                                      "--kind", "car"])  # fmt: skip
    assert result.exit_code == 0, result.output
    header = (tmp_path / "cli.csv").read_text("utf-8-sig").splitlines()[0]
    assert "车辆识别代号*" in header and "运营企业信用代码" in header


def _sheet(tmp_path: Path, company: BusCompany, today: date, count: int) -> tuple[Path, list]:
    rows = [depot_row(i, bus, company=company, on=today, uploads=[])
            for i, bus in enumerate(fleet_bus_certificates(count))]  # fmt: skip
    return write_depot_sheet(tmp_path / "fleet.csv", rows), rows


def test_validate_judges_each_row_for_its_channel(
    tmp_path: Path, company: BusCompany, today: date
) -> None:
    sheet, rows = _sheet(tmp_path, company, today, 4)
    rows[1]["safety_officer_name"] = ""  # an enrolment without its safety officer
    rows[2]["vin"] = rows[0]["vin"]  # a bus twice
    rows[3]["road_transport_licence_number"] = ""
    write_depot_sheet(sheet, rows)
    onsite = CarRowParser(on=today, channel="onsite_inspection_id", references=False)
    summary = validate_file(sheet, parser=onsite, report=tmp_path / "report.csv")
    codes = {(i.row_number, i.column, i.code) for i in summary.issues}
    assert (3, "safety_officer_name", "supervision.safety_officer_required") in codes
    assert (2, "vin", "file.duplicate_vehicle_code") in codes
    assert (4, "vin", "file.duplicate_vehicle_code") in codes
    assert (5, "road_transport_licence_number", "supervision.licence_required") in codes
    # One owner on every row is a fleet, not a copy error.
    assert not [i for i in summary.issues if i.code == "file.duplicate_id_number"]
    report = (tmp_path / "report.csv").read_text("utf-8-sig")
    assert "supervision.licence_required" in report and "道路运输证" in report
    assert company.agent_id_number not in report  # a person's ID never is

    # On the station channel the same buses are refused: key vehicles go on site.
    station = CarRowParser(on=today, channel="store_id", references=False)
    summary = validate_file(sheet, parser=station)
    assert {i.code for i in summary.issues} >= {
        "station.not_eligible",
        "plate.sequence_needs_onsite",
    }

    args = ["bulk", "validate", str(sheet), "--kind", "car", "--onsite",
            "--report", str(tmp_path / "r2.csv")]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "supervision" in (tmp_path / "r2.csv").read_text("utf-8-sig")


def test_submit_exports_rejected_rows_in_the_car_columns(
    client: VehregClient, tmp_path: Path, company: BusCompany, today: date
) -> None:
    depot = prepare_depot(client, 3, tmp_path, on=today, company=company)
    with depot.sheet.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    vin_column = rows[0].index("车辆识别代号")
    officer = rows[0].index("安全管理员")
    rows[2][officer] = ""  # row 3 cannot be sent
    with depot.sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    journal = tmp_path / "fleet.journal.sqlite"
    result = client.car_bulk.submit(
        depot.sheet, onsite_inspection_id=depot.inspection_id, journal=journal
    )
    assert (result.counts.registered, result.counts.invalid) == (2, 1)
    exported = result.export_rejected(tmp_path / "fix-me.csv")
    with exported.open(encoding="utf-8-sig") as handle:
        back = list(csv.reader(handle))
    assert back[0][0] == "行号" and "车辆识别代号" in back[0]
    assert [line[0] for line in back[1:]] == ["3"]
    assert back[1][back[0].index("车辆识别代号")] == rows[2][vin_column]
    # Rerun with the same journal: nothing is sent twice.
    again = client.car_bulk.submit(
        depot.sheet, onsite_inspection_id=depot.inspection_id, journal=journal
    )
    assert again.counts.registered == 2 and again.counts.resumed >= 2
    listed = [r for r in client.vehicle_registrations.list(limit=100)
              if r.onsite_inspection_id == depot.inspection_id]  # fmt: skip
    assert len(listed) == 2


def test_car_batches_contract(server: SandboxServer, client: VehregClient, tmp_path: Path,
                              company: BusCompany, today: date) -> None:  # fmt: skip
    depot = prepare_depot(client, 2, tmp_path, on=today, company=company)
    parser = CarRowParser(on=today, channel="onsite_inspection_id")
    with open_sheet(depot.sheet, CARS) as sheet:
        items = [parser.parse(r.row_number, r.values).item for r in sheet.rows()]
    assert all(items)
    with httpx.Client(base_url=server.base_url, auth=Signer(DEALER), timeout=30) as raw:
        both = raw.post("/v1/vehicle-registration-batches",
                        json={"store_id": STORE, "onsite_inspection_id": depot.inspection_id,
                              "items": items})  # fmt: skip
        assert both.status_code == 422 and both.json()["errors"][0]["code"] == "channel.ambiguous"
        unknown = raw.post("/v1/vehicle-registration-batches",
                           json={"onsite_inspection_id": "osi_nope", "items": items})  # fmt: skip
        assert unknown.status_code == 404
        assert unknown.json()["code"] == "onsite_inspection.not_found"
        first = raw.post(
            "/v1/vehicle-registration-batches",
            json={"onsite_inspection_id": depot.inspection_id, "items": items},
        )
        assert first.status_code == 202, first.text
        body = first.json()
        assert body["object"] == "vehicle_registration_batch" and body["store_id"] is None
        assert body["onsite_inspection_id"] == depot.inspection_id
        batch = client.car_bulk.retrieve_batch(body["id"])
        deadline = __import__("time").monotonic() + 30
        while not batch.is_final:
            assert __import__("time").monotonic() < deadline
            batch = client.car_bulk.retrieve_batch(batch.id)
        assert batch.counts.registered == 2
        # The e-bike path does not know a car batch.
        assert raw.get(f"/v1/ebike-registration-batches/{batch.id}").status_code == 404
        # The same items again, in a new batch: their first outcomes, no second registration.
        second = raw.post("/v1/vehicle-registration-batches",
                          json={"onsite_inspection_id": depot.inspection_id, "items": items},
                          headers={"Idempotency-Key": uuid.uuid4().hex})  # fmt: skip
        replayed = client.car_bulk.create_batch(
            onsite_inspection_id=depot.inspection_id, items=items
        )
        for batch_id in (second.json()["id"], replayed.id):
            found = client.car_bulk.retrieve_batch(batch_id)
            while not found.is_final:
                found = client.car_bulk.retrieve_batch(batch_id)
            listed = list(client.car_bulk.list_batch_items(batch_id))
            assert all(i.replayed and i.status == "registered" for i in listed)
        stray = raw.post("/v1/vehicle-registration-batches",
                         json={"onsite_inspection_id": depot.inspection_id,
                               "items": [{**items[0], "client_reference": "X-1",
                                          "store_id": STORE}]})  # fmt: skip
        stray_batch = client.car_bulk.retrieve_batch(stray.json()["id"])
        while not stray_batch.is_final:
            stray_batch = client.car_bulk.retrieve_batch(stray_batch.id)
        (item,) = list(client.car_bulk.list_batch_items(stray_batch.id))
        assert item.status == "rejected" and item.error and item.error.errors[0].field == "store_id"
    mine = [r for r in client.vehicle_registrations.list(limit=100)
            if r.onsite_inspection_id == depot.inspection_id]  # fmt: skip
    assert len(mine) == 2
    with pytest.raises(LocalValidationError):
        client.car_bulk.create_batch(items=items)  # no channel: nothing sent


def test_the_async_car_bulk_registers_a_depot(
    server: SandboxServer, client: VehregClient, tmp_path: Path, company: BusCompany,
    today: date,
) -> None:  # fmt: skip
    import asyncio

    from vehreg_sdk import AsyncVehregClient

    depot = prepare_depot(client, 3, tmp_path, on=today, company=company)

    async def run() -> int:
        async with AsyncVehregClient(base_url=server.base_url, app_key=DEALER.app_key,
                                     app_secret=DEALER.app_secret) as aclient:  # fmt: skip
            result = await aclient.car_bulk.submit(
                depot.sheet, onsite_inspection_id=depot.inspection_id,
                journal=tmp_path / "async.journal", batch_size=2,
            )  # fmt: skip
            batches = {o.batch_id for o in result.outcomes() if o.batch_id}
            for batch_id in batches:
                batch = await aclient.car_bulk.retrieve_batch(batch_id)
                assert batch.onsite_inspection_id == depot.inspection_id
                items = [i async for i in aclient.car_bulk.list_batch_items(batch_id)]
                assert all(i.registration_id for i in items)
            return result.counts.registered

    assert asyncio.run(run()) == 3


def test_the_cli_asks_for_one_channel(tmp_path: Path) -> None:
    sheet = write_template(tmp_path / "fleet.csv", kind="car")
    runner = CliRunner()
    neither = runner.invoke(app, ["bulk", "submit", str(sheet), "--kind", "car"])
    assert neither.exit_code == 2 and "--onsite" in neither.output
    both = runner.invoke(app, ["bulk", "submit", str(sheet), "--kind", "car", "--store", "st_x",
                               "--onsite", "osi_x"])  # fmt: skip
    assert both.exit_code == 2
    wrong = runner.invoke(app, ["bulk", "template", str(tmp_path / "t.csv"), "--kind", "boat"])
    assert wrong.exit_code == 2 and "ebike" in wrong.output
