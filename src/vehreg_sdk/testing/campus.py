"""Fictional campus batch sheets: a school's students and their bikes, some rows broken on purpose.

For the bulk tests, benchmarks and docs. The bikes come from the sandbox's
certificate pool (so a sandbox accepts them) while it lasts, then from
synthetic codes of the same models (fine offline, unknown to a sandbox). The
students are fictional, with valid ID check characters; some are minors with
a guardian, and the youngest have the guardian's recorded consent.

>>> from datetime import date
>>> rows = list(campus_rows(3, on=date(2026, 3, 2)))
>>> rows[0].values["vehicle_code"] == rows[0].values["vehicle_code"].strip()
True
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from stdnum.cn import ric

from ..bulk.columns import COLUMNS
from ..sandbox import catalogue
from .people import fake_address, fake_mobile, fake_name, fake_resident_id

__all__ = ["BAD_KINDS", "CampusRow", "campus_rows", "write_campus_sheet"]

#: The ways :func:`campus_rows` breaks a row, with the issue code each one causes.
BAD_KINDS: dict[str, str] = {
    "id_checksum": "id_number.checksum",
    "mobile": "mobile.format",
    "unknown_model": "catalogue.unknown_model",
    "minor_without_guardian": "owner.guardian_required",
    "bad_date": "cell.date",
    "price": "cell.price",
}


@dataclass(slots=True)
class CampusRow:
    """One sheet row (column key -> text) and, for a broken row, the issue code it must get."""

    values: dict[str, str]
    expected: str | None = None


def _sellable_pool(on: date, start: int) -> Iterator[str]:
    for index in range(start, catalogue.pool_size()):
        code = catalogue.vehicle_code_at(index)
        cert = catalogue.certificate_for(code)
        if (
            cert
            and catalogue.model_is_sellable(cert["model"], on)
            and not catalogue.is_stolen(code)
        ):
            yield code


def _synthetic(serial: int, on: date) -> tuple[str, dict[str, object]]:
    """A bike outside the pool: a sellable seed model, a code no sandbox knows."""
    models = [m for m in catalogue.catalogue() if catalogue.model_is_sellable(m, on)]
    model = models[serial % len(models)]
    brand = next(b for b in catalogue.BRANDS if model["product_model"].startswith(b.prefix))
    code = f"{brand.maker_code}2{on.year % 100:02d}{catalogue.SERIALS_PER_BRAND + serial:08d}"
    return code, model


def campus_rows(
    n: int,
    *,
    on: date,
    seed: int = 7,
    pool_start: int = 0,
    bad_every: int = 0,
    minors_every: int = 10,
) -> Iterator[CampusRow]:
    """``n`` rows sold on ``on``; every ``bad_every``-th row (0: none) is broken one way.

    Every ``minors_every``-th student is a minor with a guardian (the youngest
    with consent). Reproducible from ``seed``; ``pool_start`` picks where in
    the sandbox pool the bikes start, so tests sharing a sandbox don't collide.
    """
    rng = random.Random(seed)
    pool = _sellable_pool(on, pool_start)
    kinds = list(BAD_KINDS)
    for i in range(n):
        code = next(pool, None)
        if code is not None:
            cert = catalogue.certificate_for(code)
            assert cert is not None
            model, motor, color = cert["model"], cert["motor_code"], cert["color"]
        else:
            code, model = _synthetic(i, on)
            motor, color = f"M{code[-10:]}", "白"
        values = {
            "client_reference": "",
            "vehicle_code": code,
            "motor_code": str(motor),
            "product_model": str(model["product_model"]),
            "color": str(color),
            "owner_name": fake_name(rng),
            "owner_mobile": fake_mobile(rng),
            "owner_address": fake_address(rng),
            "invoice_number": f"2432{seed:04d}{i:010d}",
            "invoice_date": on.isoformat(),
            "price_yuan": f"{rng.randrange(1500, 4000)}.00",
            "clerk_id": "C001",
        }
        if minors_every and i % minors_every == minors_every - 1:
            # 16 or 17: may ride, needs a guardian (the guardian consents anyway).
            born = on - timedelta(days=365 * (16 + i % 2) + 40 + i % 200)
            values["owner_id_number"] = _unique_id(i, born)
            values["guardian_name"] = fake_name(rng)
            values["guardian_id_number"] = fake_resident_id(rng, date(1980, 5, 6))
            values["guardian_mobile"] = fake_mobile(rng)
            values["guardian_relationship"] = "父母"
            values["guardian_consent"] = "是"
        else:
            born = on - timedelta(days=365 * 18 + 30 + i % 2000)
            values["owner_id_number"] = _unique_id(i, born)
        expected = None
        if bad_every and i % bad_every == bad_every // 2:
            kind = kinds[(i // bad_every) % len(kinds)]
            expected = BAD_KINDS[kind]
            _break(values, kind, on, i)
        yield CampusRow(values, expected)


def _unique_id(i: int, born: date) -> str:
    """A resident ID unique per row index (the order code counts rows sharing a birth date)."""
    body = f"320706{born:%Y%m%d}{(i // 200) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _break(values: dict[str, str], kind: str, on: date, index: int) -> None:
    if kind == "id_checksum":
        number = values["owner_id_number"]
        check = "0123456789X"
        values["owner_id_number"] = number[:17] + check[(check.index(number[17]) + 1) % 11]
    elif kind == "mobile":
        values["owner_mobile"] = "1234567"
    elif kind == "unknown_model":
        values["product_model"] = "NO-SUCH-MODEL"
    elif kind == "minor_without_guardian":
        born = on - timedelta(days=365 * 16 + 50 + index % 97)
        values["owner_id_number"] = _unique_id(index, born)
        for key in ("guardian_name", "guardian_id_number", "guardian_mobile", "guardian_consent"):
            values.pop(key, None)
    elif kind == "bad_date":
        values["invoice_date"] = "2026-13-45"
    elif kind == "price":
        values["price_yuan"] = "两千九"


def write_campus_sheet(
    path: str | Path,
    rows: Iterator[CampusRow] | list[CampusRow],
    *,
    encoding: str = "utf-8-sig",
    english_headers: bool = False,
) -> dict[int, str]:
    """Write rows as .csv (in ``encoding``) or .xlsx; returns {row number: expected issue code}."""
    target = Path(path)
    headers = [c.key if english_headers else c.header_zh for c in COLUMNS]
    expected: dict[int, str] = {}
    if target.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("登记表")
        sheet.append(headers)
        for number, row in enumerate(rows, start=2):
            sheet.append([row.values.get(c.key, "") for c in COLUMNS])
            if row.expected:
                expected[number] = row.expected
        workbook.save(target)
        return expected
    with target.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for number, row in enumerate(rows, start=2):
            writer.writerow([row.values.get(c.key, "") for c in COLUMNS])
            if row.expected:
                expected[number] = row.expected
    return expected
