"""``GET /v1/plate-status``: every cancelled or rejected registration once, numbered, signed,
with ``since`` for updates; approved registrations never appear."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from vehreg_sdk import plates

from .conftest import post_headers, register
from .test_lifecycle import photo


async def status(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/v1/plate-status", params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_rejections_and_cancellations_are_listed_once_and_signed(
    bureau: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    jwks = (await anonymous.get("/v1/keys")).json()
    empty = await status(anonymous)
    assert (empty["version"], empty["since"], empty["revoked"]) == (0, 0, [])

    approved = await register(bureau, start=10)
    await photo(bureau, approved["id"], "plate_fitted")
    rejected = await register(bureau, start=11, index=1, invoice_number="INV20260098")
    await photo(bureau, rejected["id"], "plate_fitted")
    cancelled = await register(bureau, start=12, index=2)
    response = await bureau.post(
        f"/v1/ebike-registrations/{cancelled['id']}/cancel", headers=post_headers()
    )
    assert response.status_code == 200

    whole = await status(anonymous)  # no authentication needed
    assert whole["version"] == 2
    assert [(r["registration_id"], r["reason"]) for r in whole["revoked"]] == [
        (rejected["id"], "rejected"),
        (cancelled["id"], "cancelled"),
    ]
    verified = plates.verify_status(whole, jwks)
    assert set(verified.revoked) == {rejected["id"], cancelled["id"]}
    assert approved["id"] not in verified.revoked
    with_token = plates.verify_token(approved["plate_credential"], jwks, status=verified)
    assert with_token.status is verified

    update = await status(anonymous, since=1)
    assert [r["registration_id"] for r in update["revoked"]] == [cancelled["id"]]
    first = plates.verify_status(await status(anonymous, since=0), jwks)
    assert first.updated(plates.verify_status(update, jwks)).version == 2
    assert (await status(anonymous, since=2))["revoked"] == []


async def test_since_must_be_a_version(anonymous: httpx.AsyncClient) -> None:
    for bad in ("-1", "x", "1.5", "9" * 30):
        response = await anonymous.get("/v1/plate-status", params={"since": bad})
        assert response.status_code == 400, bad
        problem = response.json()
        assert problem["errors"][0]["field"] == "query.since"
        assert problem["detail_zh"] and problem["errors"][0]["message_zh"]


def test_issue_plate_credentials_for_a_car_temporary_plate(tmp_path: Any) -> None:
    """The one function every registration kind calls (cars too): both tokens, same facts."""
    from datetime import UTC, datetime

    from vehreg_sdk.sandbox.bureau import Bureau, Settings
    from vehreg_sdk.sandbox.plate_credentials import issue_plate_credentials

    bureau = Bureau(tmp_path / "bureau.db", Settings(), key_seed=b"cars")
    issued = 1_790_000_000
    both = issue_plate_credentials(
        bureau,
        registration_id="reg_00112233445566778899aabb",
        plate="苏G12345临",
        store_id="st_4s_1",
        issued_at=issued,
        plate_kind=22,
        vin="LSVAU2180N2183294",
        valid_from=issued,
        valid_until=issued + 15 * 86400,
    )
    jwks = bureau.jwks()
    during = datetime.fromtimestamp(issued + 86400, tz=UTC)
    compact = plates.verify_token(both.plate_credential, jwks, now=during)
    old = plates.verify_token(both.plate_token, jwks, now=during)
    assert (compact.plate, compact.vin, compact.plate_kind) == (
        "苏G12345临",
        "LSVAU2180N2183294",
        22,
    )
    assert compact.vehicle_code == old.vehicle_code == "LSVAU2180N2183294"
    assert compact.registration_id == old.registration_id
    assert compact.expires_at == datetime.fromtimestamp(issued + 15 * 86400, tz=UTC)
    assert old.expires_at == compact.expires_at and old.not_before == compact.not_before
    for token in (both.plate_credential, both.plate_token):
        with pytest.raises(plates.TokenExpiredError):
            plates.verify_token(token, jwks, now=compact.expires_at)
    bureau.db.close()
