"""The bureau's 422 never echoes an ID number, whichever field the clerk typed it into.

Over real HTTP on loopback: the sandbox's answer is what a till logs and shows.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.sandbox.clock import shanghai_date, system_clock
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes
from vehreg_sdk.testing import fake_resident_id

from .conftest import Signer, post_headers

RAW_ID = fake_resident_id(random.Random(1010))
OLD_ID = RAW_ID[:6] + RAW_ID[8:17]  # the same person's 15-digit number (YYMMDD birth)


@pytest.fixture(scope="module")
def bureau(module_sandbox_db: Path | str) -> Iterator[httpx.Client]:
    db = module_sandbox_db
    with (
        SandboxServer(db) as server,
        httpx.Client(base_url=server.base_url, auth=Signer(DEMO_DEALERS[0]), timeout=30) as client,
    ):
        yield client


def _body(**parts: dict[str, Any]) -> dict[str, Any]:
    (code,) = sellable_vehicle_codes(1, start=900)
    body = demo_registration_body(
        code, DEMO_DEALERS[0].store_ids[0], invoice_date=shanghai_date(system_clock())
    )
    for part, changes in parts.items():
        body[part].update(changes)
    return body


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        # A resident ID number typed as a unified social credit code (type N).
        ({"owner": {"id_type": "N", "id_number": RAW_ID}}, "owner.id_number"),
        # ... into the vehicle code, the mobile, and the 15-digit old number as a credit code.
        ({"vehicle": {"vehicle_code": RAW_ID}}, "vehicle.vehicle_code"),
        ({"owner": {"mobile": RAW_ID}}, "owner.mobile"),
        ({"owner": {"id_type": "N", "id_number": OLD_ID}}, "owner.id_number"),
    ],
)
def test_the_422_masks_an_id_number_in_any_field(
    bureau: httpx.Client, parts: dict[str, dict[str, Any]], field: str
) -> None:
    response = bureau.post(
        "/v1/ebike-registrations",
        content=json.dumps(_body(**parts), ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **post_headers()},
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert field in {error["field"] for error in problem["errors"]}, problem
    text = response.text
    for raw in (RAW_ID, OLD_ID, RAW_ID[6:14], OLD_ID[6:12]):
        assert raw not in text, (raw, text)
    assert "****" in text  # the masked value is still there
