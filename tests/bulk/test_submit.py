"""``client.bulk.submit`` end to end against a loopback sandbox: sync, async, resume, round trip."""

from __future__ import annotations

import csv
import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from vehreg_sdk import AsyncVehregClient, VehregClient
from vehreg_sdk.bulk.submitter import BulkProgress
from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.sandbox.catalogue import certificate_for
from vehreg_sdk.testing import fake_mobile, fake_resident_id
from vehreg_sdk.testing.campus import campus_rows, write_campus_sheet

from .support import CAMPUS, STORE


def _registrations(client: VehregClient) -> list[Any]:
    return list(client.ebike_registrations.list(store_id=STORE, limit=100))


def test_five_percent_bad_the_rest_go_through(
    client: VehregClient, tmp_path: Path, today: date, pool_start: int
) -> None:
    sheet = tmp_path / "school.csv"
    expected = write_campus_sheet(
        sheet, campus_rows(200, on=today, bad_every=20, pool_start=pool_start), encoding="gbk"
    )
    seen: list[BulkProgress] = []
    result = client.bulk.submit(sheet, store_id=STORE, journal=tmp_path / "j", progress=seen.append)
    assert result.complete and not result.ok
    assert result.counts.total == 200
    assert result.counts.registered == 190 and result.counts.not_registered == 10
    refused = {row.row_number: row.errors[0]["code"] for row in result.outcomes()
               if row.status != "registered"}  # fmt: skip
    assert refused == expected
    plates = list(result.plates())
    assert len(plates) == 190 and len({p for _, _, p in plates}) == 190
    assert seen and seen[-1].done == 200 and seen[-1].total == 200


def test_rerun_resumes_and_never_registers_twice(
    client: VehregClient, tmp_path: Path, today: date, pool_start: int
) -> None:
    sheet = tmp_path / "s.xlsx"
    write_campus_sheet(sheet, campus_rows(60, on=today, pool_start=pool_start))
    first = client.bulk.submit(sheet, store_id=STORE, journal=tmp_path / "j", batch_size=25)
    second = client.bulk.submit(sheet, store_id=STORE, journal=tmp_path / "j", batch_size=25)
    assert first.counts.registered == second.counts.registered == 60
    assert second.counts.resumed == 60
    assert dict((r, p) for r, _, p in first.plates()) == dict((r, p) for r, _, p in second.plates())
    # Even without the journal (and with other batches) the bureau answers each reference
    # with its first outcome.
    third = client.bulk.submit(sheet, store_id=STORE, journal=tmp_path / "fresh", batch_size=7)
    assert third.counts.registered == 60 and third.counts.resumed == 0
    assert {p for _, _, p in third.plates()} == {p for _, _, p in first.plates()}


def _fix(row: dict[str, str], today: date, rng: random.Random) -> None:
    """What the school office does with the rejected-rows file."""
    error = row["错误 error"]
    if "id_number.checksum" in error:
        row["证件号码"] = fake_resident_id(rng, date(2005, 3, 4))
    if "mobile.format" in error:
        row["手机号码"] = fake_mobile(rng)
    if "catalogue.unknown_model" in error:
        certificate = certificate_for(row["整车编码"])
        assert certificate is not None
        row["产品型号"] = certificate["product_model"]
    if "owner.guardian_required" in error:
        row["监护人姓名"] = "李大明"
        row["监护人证件号码"] = fake_resident_id(rng, date(1979, 1, 2))
        row["监护人手机"] = fake_mobile(rng)
    if "cell.date" in error:
        row["开票日期"] = today.isoformat()
    if "cell.price" in error:
        row["售价(元)"] = "2999"


@pytest.mark.parametrize(("suffix", "encoding"), [(".csv", "gbk"), (".xlsx", "")])
def test_rejected_rows_export_round_trips_to_100_percent(
    client: VehregClient, tmp_path: Path, today: date, pool_start: int, suffix: str, encoding: str
) -> None:
    sheet = tmp_path / f"s{suffix}"
    write_campus_sheet(sheet, campus_rows(120, on=today, bad_every=20, pool_start=pool_start),
                       encoding=encoding or "utf-8")  # fmt: skip
    journal = tmp_path / "j"
    first = client.bulk.submit(sheet, store_id=STORE, journal=journal)
    assert first.counts.registered == 114
    exported = first.export_rejected(tmp_path / f"fix{suffix}")
    fixed = tmp_path / "fixed.csv"
    rng = random.Random(5)
    if suffix == ".csv":
        raw = exported.read_bytes()
        exported.read_text("gb18030")  # the export keeps the input's encoding
        assert not raw.startswith(b"\xef\xbb\xbf")
        with exported.open(encoding="gb18030", newline="") as handle:
            rows = list(csv.DictReader(handle))
    else:
        from openpyxl import load_workbook

        table = list(load_workbook(exported)["登记表"].iter_rows(values_only=True))
        rows = [dict(zip(table[0], ("" if v is None else str(v) for v in r), strict=True))
                for r in table[1:]]  # fmt: skip
    assert len(rows) == 6 and all(r["错误 error"] for r in rows)
    for row in rows:
        _fix(row, today, rng)
    with fixed.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    second = client.bulk.submit(fixed, store_id=STORE, journal=journal)
    assert second.ok, list(second.outcomes())
    assert first.counts.registered + second.counts.registered == 120


async def test_async_twin(
    sandbox: SandboxServer, tmp_path: Path, today: date, pool_start: int
) -> None:
    rows = [row.values for row in campus_rows(40, on=today, pool_start=pool_start, bad_every=10)]
    async with AsyncVehregClient(
        base_url=sandbox.base_url, app_key=CAMPUS.app_key, app_secret=CAMPUS.app_secret
    ) as client:
        result = await client.bulk.submit(rows, store_id=STORE, concurrency=3, batch_size=7)
    assert result.counts.total == 40 and result.counts.registered == 36
    assert {r.row_number for r in result.outcomes() if r.status != "registered"} == {6, 16, 26, 36}
    export = result.export_rejected(tmp_path / "rej.csv", rows)
    assert export.read_text("utf-8-sig").count("\n") == 5


def test_single_mode_and_nested_items(
    client: VehregClient, tmp_path: Path, today: date, pool_start: int
) -> None:
    items = []
    for index, row in enumerate(campus_rows(12, on=today, pool_start=pool_start)):
        v = row.values
        cert = certificate_for(v["vehicle_code"])
        assert cert is not None
        model = cert["model"]
        items.append({
            "client_reference": f"pos-{pool_start}-{index}",
            "vehicle": {"vehicle_code": v["vehicle_code"], "motor_code": v["motor_code"],
                        "product_model": v["product_model"], "color": v["color"],
                        "battery_chemistry": model["battery_chemistry"],
                        "battery_voltage_v": model["battery_voltage_v"],
                        "battery_capacity_ah": model["battery_capacity_ah"]},
            "owner": {"name": v["owner_name"], "id_type": "A", "id_number": v["owner_id_number"],
                      "mobile": v["owner_mobile"], "address": v["owner_address"], "use": "self",
                      **({"guardian": {"name": v["guardian_name"],
                                       "id_number": v["guardian_id_number"],
                                       "mobile": v["guardian_mobile"], "consent": True}}
                         if v.get("guardian_name") else {})},
            "sale": {"invoice_number": v["invoice_number"], "invoice_date": v["invoice_date"],
                     "price_fen": 299900, "clerk_id": "C001"},
        })  # fmt: skip
    items[3]["owner"]["mobile"] = "1"
    result = client.bulk.submit(items, store_id=STORE, mode="single", concurrency=4,
                                journal=tmp_path / "j")  # fmt: skip
    assert result.counts.registered == 11 and result.counts.invalid == 1
    registered = {r.client_reference: r.registration_id for r in result.outcomes("registered")}
    one = client.ebike_registrations.retrieve(registered[f"pos-{pool_start}-0"])
    assert one.client_reference == f"pos-{pool_start}-0" and one.batch_id is None
    again = client.bulk.submit(items, store_id=STORE, mode="single", journal=tmp_path / "other")
    assert {
        r.client_reference: r.registration_id for r in again.outcomes("registered")
    } == registered


async def test_auto_mode_falls_back_to_single_creates(
    sandbox: SandboxServer, today: date, pool_start: int
) -> None:
    """A bureau without the batch endpoint (404 route.not_found): auto mode sends singles."""

    async def no_batches(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v1/ebike-registration-batches"):
            return httpx.Response(404, json={"type": "about:blank", "title": "Not Found",
                                             "status": 404, "code": "route.not_found",
                                             "detail": "No such path.",
                                             "detail_zh": "请求的路径不存在。",
                                             "errors": []})  # fmt: skip
        async with httpx.AsyncClient(base_url=sandbox.base_url) as real:
            response = await real.send(request)
            await response.aread()
            return httpx.Response(response.status_code, headers=response.headers,
                                  content=response.content)  # fmt: skip

    transport = httpx.MockTransport(no_batches)
    rows = [r.values for r in campus_rows(10, on=today, pool_start=pool_start)]
    async with (
        httpx.AsyncClient(transport=transport) as http,
        AsyncVehregClient(base_url=sandbox.base_url, app_key=CAMPUS.app_key,
                          app_secret=CAMPUS.app_secret, http_client=http) as client,
    ):  # fmt: skip
        result = await client.bulk.submit(rows, store_id=STORE, mode="auto", batch_size=4)
        assert result.ok and result.counts.registered == 10
        with pytest.raises(Exception, match=r"route\.not_found"):
            await client.bulk.submit(rows, store_id=STORE, mode="batch")


@pytest.mark.parametrize("mode", ["batch", "single"])
def test_unreachable_bureau_stops_and_a_rerun_finishes(
    client: VehregClient, tmp_path: Path, today: date, pool_start: int, mode: str
) -> None:
    sheet = tmp_path / "s.csv"
    write_campus_sheet(sheet, campus_rows(30, on=today, pool_start=pool_start))
    snapshot = {
        m.product_model: m.model_dump(mode="json") for m in client.catalogue.list(limit=100)
    }
    with VehregClient(base_url="http://127.0.0.1:9", app_key=CAMPUS.app_key,
                      app_secret=CAMPUS.app_secret, max_retries=0) as down:  # fmt: skip
        stopped = down.bulk.submit(
            sheet,
            store_id=STORE,
            journal=tmp_path / "j",
            catalogue=snapshot,
            mode=mode,
            batch_size=10,
        )
    assert not stopped.complete and stopped.stop_reason
    # Why it stopped, in both languages (what the CLI prints next to the command to resume).
    assert "Could not reach" in stopped.stop_reason and "无法连接" in stopped.stop_reason
    assert stopped.counts.registered == 0 and stopped.counts.failed > 0
    assert all(r.errors[0]["code"] == "bulk.unreachable" for r in stopped.outcomes("failed"))
    finished = client.bulk.submit(sheet, store_id=STORE, journal=tmp_path / "j")
    assert finished.ok and finished.counts.registered == 30


def test_rows_are_read_only_as_fast_as_they_are_sent(
    client: VehregClient, today: date, pool_start: int
) -> None:
    """A generator of rows is pulled lazily: never more than the chunks in flight ahead."""
    pulled = 0
    ahead: list[int] = []

    def rows() -> Any:
        nonlocal pulled
        for row in campus_rows(120, on=today, pool_start=pool_start):
            pulled += 1
            yield row.values

    result = client.bulk.submit(
        rows(), store_id=STORE, batch_size=10, concurrency=2,
        progress=lambda p: ahead.append(pulled - p.done),
    )  # fmt: skip
    assert result.ok and result.counts.registered == 120
    # Two chunks in flight and the one being read: 30 rows, not the 120 of the input.
    assert ahead and max(ahead) <= 30


def test_a_list_is_checked_for_duplicates_before_anything_is_sent(
    client: VehregClient, today: date, pool_start: int
) -> None:
    rows = [row.values for row in campus_rows(12, on=today, pool_start=pool_start)]
    rows[9]["vehicle_code"] = rows[1]["vehicle_code"]  # rows 2 and 10: the same bike
    result = client.bulk.submit(rows, store_id=STORE, batch_size=4)
    held = {r.row_number: [e["code"] for e in r.errors] for r in result.outcomes("invalid")}
    # Both rows are held back, the first one too: which one is the typo is for a person to say.
    assert held == {2: ["file.duplicate_vehicle_code"], 10: ["file.duplicate_vehicle_code"]}
    assert result.counts.registered == 10 and result.counts.invalid == 2
    assert "row 10" in next(result.outcomes("invalid")).errors[0]["message"]


def test_warnings_are_flagged_in_the_result_not_lost(
    client: VehregClient, tmp_path: Path, today: date, pool_start: int
) -> None:
    """One student with two bikes (``owner_duplicates="warning"``): sent, and flagged."""
    rows = list(campus_rows(6, on=today, pool_start=pool_start))
    for key in ("owner_name", "owner_id_number", "owner_mobile", "owner_address"):
        rows[4].values[key] = rows[1].values[key]
    sheet = tmp_path / "two-bikes.csv"
    write_campus_sheet(sheet, rows)
    journal = tmp_path / "j"
    result = client.bulk.submit(sheet, store_id=STORE, journal=journal, owner_duplicates="warning")
    assert result.ok and result.counts.registered == 6
    assert result.counts.flagged == 2
    flagged = {
        r.row_number: [w["code"] for w in r.warnings] for r in result.outcomes() if r.warnings
    }
    assert flagged == {3: ["file.duplicate_id_number"], 6: ["file.duplicate_id_number"]}
    with result.write_results(tmp_path / "r.csv").open(encoding="utf-8-sig") as handle:
        notes = {int(r["行号"]): r["错误 error"] for r in csv.DictReader(handle)}
    assert all("(warning)" in notes[n] and "file.duplicate_id_number" in notes[n] for n in (3, 6))
    assert not any(notes[n] for n in (2, 4, 5, 7))
    again = client.bulk.submit(sheet, store_id=STORE, journal=journal, owner_duplicates="warning")
    assert again.counts.resumed == 6 and again.counts.flagged == 2  # a rerun keeps the flags


def test_a_filled_in_template_counts_only_its_rows(
    client: VehregClient, tmp_path: Path, today: date, pool_start: int
) -> None:
    """The template formats 3,000 empty rows; the progress bar's total is the 5 filled in."""
    from openpyxl import load_workbook

    from vehreg_sdk.bulk.columns import COLUMNS
    from vehreg_sdk.bulk.template import write_template

    path = write_template(tmp_path / "t.xlsx")
    book = load_workbook(path)
    for number, row in enumerate(campus_rows(5, on=today, pool_start=pool_start), start=2):
        for index, column in enumerate(COLUMNS, start=1):
            book["登记表"].cell(row=number, column=index, value=row.values.get(column.key) or None)
    book.save(path)
    seen: list[BulkProgress] = []
    result = client.bulk.submit(path, store_id=STORE, journal=tmp_path / "j", progress=seen.append)
    assert result.ok and result.counts.total == 5
    assert seen[-1].total == 5 and seen[-1].done == 5


def test_single_mode_recognises_what_an_earlier_batch_registered(
    client: VehregClient, tmp_path: Path, today: date, pool_start: int
) -> None:
    """A row first sent in a batch, then (new journal) as a single create: one registration."""
    rows = [row.values for row in campus_rows(6, on=today, pool_start=pool_start)]
    first = client.bulk.submit(rows, store_id=STORE, journal=tmp_path / "a")
    assert first.ok
    again = client.bulk.submit(rows, store_id=STORE, mode="single", journal=tmp_path / "b")
    assert again.ok
    assert list(again.plates()) == list(first.plates())
    # Another sale of a registered bike is not "the same row": refused, not adopted.
    rows[0]["invoice_number"] = "24329999000000000001"
    other = client.bulk.submit(rows[:1], store_id=STORE, mode="single", journal=tmp_path / "c")
    (refused,) = list(other.outcomes())
    assert refused.status == "rejected"
    assert refused.errors[0]["code"] == "vehicle.already_registered"


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_single_mode_stops_sending_once_the_bureau_is_down(
    tmp_path: Path, today: date, asynchronous: bool
) -> None:
    attempts: list[str] = []

    def down(request: httpx.Request) -> httpx.Response:
        attempts.append(request.url.path)
        raise httpx.ConnectError("connection refused", request=request)

    rows = [row.values for row in campus_rows(30, on=today)]
    options: dict[str, Any] = {
        "base_url": "http://bureau.test", "app_key": CAMPUS.app_key,
        "app_secret": CAMPUS.app_secret, "max_retries": 0,
    }  # fmt: skip
    submit: dict[str, Any] = {
        "store_id": STORE, "mode": "single", "batch_size": 10, "concurrency": 2,
        "catalogue": None, "journal": tmp_path / "j",
    }  # fmt: skip
    if asynchronous:
        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(down)) as http,
            AsyncVehregClient(**options, http_client=http) as aclient,
        ):
            result = await aclient.bulk.submit(rows, **submit)
    else:
        with (
            httpx.Client(transport=httpx.MockTransport(down)) as shttp,
            VehregClient(**options, http_client=shttp) as sclient,
        ):
            result = sclient.bulk.submit(rows, **submit)
    assert not result.complete and result.counts.registered == 0
    # Only the creates already in flight (at most ``concurrency``) were tried; the rest of
    # the chunk stays pending for the next run.
    assert 1 <= len(attempts) <= 2 and set(attempts) == {"/v1/ebike-registrations"}
    assert result.counts.failed == len(attempts) and result.counts.pending == 10 - len(attempts)


def test_single_mode_sends_exactly_what_create_would(tmp_path: Path, today: date) -> None:
    """Single mode skips the second rules run, not anything of the request itself."""
    from vehreg_sdk.resources._ebike_submit import build_create, request_body

    sent: list[tuple[dict[str, Any], str]] = []

    def bureau(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        sent.append((body, request.headers["Idempotency-Key"]))
        answer = {"id": f"reg_{len(sent)}", "plate_number": "苏G00001",
                  "client_reference": body["client_reference"]}  # fmt: skip
        return httpx.Response(201, json=answer)

    rows = [row.values for row in campus_rows(20, on=today)]  # minors with guardians too
    with (
        httpx.Client(transport=httpx.MockTransport(bureau)) as http,
        VehregClient(base_url="http://bureau.test", app_key=CAMPUS.app_key,
                     app_secret=CAMPUS.app_secret, http_client=http) as client,
    ):  # fmt: skip
        result = client.bulk.submit(rows, store_id=STORE, mode="single", catalogue=None,
                                    journal=tmp_path / "j")  # fmt: skip
    assert result.ok and len(sent) == 20
    references = {r.client_reference for r in result.outcomes()}
    for body, key in sent:
        request, _ = build_create(
            store_id=STORE, vehicle=body["vehicle"], owner=body["owner"], sale=body["sale"],
            uploads=body["uploads"], client_reference=body["client_reference"], certificate=None,
        )  # fmt: skip
        assert body == request_body(request)
        assert body["client_reference"] in references and key.startswith("bulk-")
