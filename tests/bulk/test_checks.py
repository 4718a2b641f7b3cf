"""The rules a stream of rows is judged by are exactly ``check_ebike_registration``'s.

A guard for any future shortcut in ``bulk/checks.py`` (memoising, skipping): the
answers must stay those of the function the bureau runs.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from vehreg_sdk.bulk.checks import RowRules
from vehreg_sdk.bulk.parse import RowParser
from vehreg_sdk.rules.config import DEFAULT_CONFIG, MinorPolicy
from vehreg_sdk.rules.registration import check_ebike_registration
from vehreg_sdk.testing.campus import campus_rows


def _variants(today: date, snapshot: dict[str, Any]) -> list[tuple[Any, ...]]:
    rng = random.Random(9)
    parser = RowParser(on=today, catalogue=snapshot, references=False)
    cases = []
    for row in campus_rows(300, on=today, bad_every=3, seed=2):
        values = dict(row.values)
        if rng.random() < 0.3:  # an older model, another date, another battery
            values["product_model"] = rng.choice(list(snapshot))
            values["battery_voltage_v"] = rng.choice(["", "36", "48", "60"])
            values["battery_chemistry"] = rng.choice(["", "铅酸电池", "锂电池"])
        if rng.random() < 0.2:
            values["invoice_date"] = (today - timedelta(days=rng.randrange(-3, 400))).isoformat()
        parsed = parser.parse(2, values)
        item = parsed.item
        if item is None:  # rebuild what the parser judged, to feed both implementations
            item = _wire(values)
        model = snapshot.get(str(item["vehicle"]["product_model"]).upper())
        certificate = None if model is None else {
            "product_model": str(item["vehicle"]["product_model"]).upper(), "model": model
        }  # fmt: skip
        sale = dict(item["sale"])
        if isinstance(sale.get("invoice_date"), str):
            try:
                sale["invoice_date"] = date.fromisoformat(sale["invoice_date"])
            except ValueError:
                sale["invoice_date"] = None
        cases.append((item["vehicle"], item["owner"], sale, certificate))
    return cases


def _wire(values: dict[str, str]) -> dict[str, Any]:
    return {
        "vehicle": {k: values.get(k, "") for k in ("vehicle_code", "motor_code", "product_model",
                                                   "color")}
        | {"battery_chemistry": "lithium", "battery_voltage_v": 48.0, "battery_capacity_ah": 20.0},
        "owner": {"name": values.get("owner_name", ""), "id_type": "A",
                  "id_number": values.get("owner_id_number", ""),
                  "mobile": values.get("owner_mobile", ""),
                  "address": values.get("owner_address", ""), "use": "self"},
        "sale": {"invoice_number": values.get("invoice_number", ""),
                 "invoice_date": values.get("invoice_date", ""), "price_fen": 100,
                 "clerk_id": "C001"},
    }  # fmt: skip


def test_row_rules_match_the_reference_function(today: date, snapshot: dict[str, Any]) -> None:
    seen: set[str] = set()
    for config in (
        DEFAULT_CONFIG,
        DEFAULT_CONFIG.replace(minor_policy=MinorPolicy(under_16_severity="warning")),
        DEFAULT_CONFIG.replace(registration_deadline_days=15),
    ):
        rules = RowRules(on=today, config=config)
        for vehicle, owner, sale, certificate in _variants(today, snapshot):
            expected = check_ebike_registration(
                vehicle, owner, sale, certificate, on=today, config=config
            )
            assert rules(vehicle, owner, sale, certificate) == expected
            seen.update(v.code.split(".")[0] for v in expected)
    # The cases reach the product checks as well as the per-person ones.
    assert {"ccc", "ebike", "owner", "id_number"} <= seen
