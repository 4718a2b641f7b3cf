"""The sandbox-only review script: return or reject a sale for a stated reason."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import post_headers, register
from .test_lifecycle import event_types, get, photo

HELPER = "/v1/test-helpers/ebike-registrations/{}/review"


async def script(
    client: httpx.AsyncClient, registration_id: str, body: Any, status: int = 200
) -> httpx.Response:
    response = await client.post(HELPER.format(registration_id), json=body, headers=post_headers())
    assert response.status_code == status, response.text
    return response


async def test_scripted_return_names_the_photo_and_the_retake_restarts_review(
    bureau: httpx.AsyncClient,
) -> None:
    created = await register(bureau)
    reason = {"photo_kind": "vehicle_photo", "message_zh": "车辆照片反光，请在阴凉处重拍。"}
    unchanged = await script(bureau, created["id"], {"outcome": "returned", "reasons": [reason]})
    assert unchanged.json()["status"] == "plate_assigned"
    await photo(bureau, created["id"], "plate_fitted")
    returned = await get(bureau, created["id"])
    assert returned["status"] == "returned"
    (answer,) = returned["review"]["reasons"]
    assert answer["photo_kind"] == "vehicle_photo"
    assert answer["message_zh"] == "车辆照片反光，请在阴凉处重拍。"
    assert answer["code"] == "photo.retake"
    # the last retake restarts the review by itself; the script is spent
    assert (await photo(bureau, created["id"], "vehicle_photo"))["status"] == "awaiting_review"
    assert (await get(bureau, created["id"]))["status"] == "approved"
    assert await event_types(bureau, created["id"]) == [
        "ebike_registration.plate_assigned",
        "ebike_registration.awaiting_review",
        "ebike_registration.returned",
        "ebike_registration.awaiting_review",
        "ebike_registration.approved",
    ]


async def test_scripted_reject_after_fitting(bureau: httpx.AsyncClient) -> None:
    created = await register(bureau, start=100, index=1)
    await photo(bureau, created["id"], "plate_fitted")
    # already reviewed (delay 0): the registration is approved and cannot be scripted
    assert (await get(bureau, created["id"]))["status"] == "approved"
    refused = await script(bureau, created["id"], {"outcome": "rejected"}, status=409)
    assert refused.json()["code"] == "registration.invalid_state"
    second = await register(bureau, start=200, index=2)
    await script(
        bureau,
        second["id"],
        {"outcome": "rejected", "reasons": [{"message_zh": "车架号与合格证不符。"}]},
    )
    await photo(bureau, second["id"], "plate_fitted")
    rejected = await get(bureau, second["id"])
    assert rejected["status"] == "rejected"
    assert rejected["review"]["reasons"][0]["photo_kind"] is None
    assert rejected["review"]["reasons"][0]["message_zh"] == "车架号与合格证不符。"


async def test_bad_scripts_name_each_field(bureau: httpx.AsyncClient) -> None:
    created = await register(bureau, start=300, index=3)
    bad = await script(
        bureau,
        created["id"],
        {"outcome": "lost", "reasons": [{"photo_kind": "selfie", "message_zh": ""}], "x": 1},
        status=422,
    )
    fields = {error["field"] for error in bad.json()["errors"]}
    assert fields == {"outcome", "reasons[0].photo_kind", "reasons[0].message_zh", "x"}
    assert all(error["message_zh"] for error in bad.json()["errors"])
    no_kind = await script(
        bureau, created["id"], {"outcome": "returned", "reasons": [{"message_zh": "重拍"}]}, 422
    )
    assert no_kind.json()["errors"][0]["field"] == "reasons"
    missing = await bureau.post(
        HELPER.format("reg_nope"), json={"outcome": "approved"}, headers=post_headers()
    )
    assert missing.status_code == 404
