"""``/v1/ebike-registration-batches`` over raw signed HTTP: the contract, not the client."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

from .support import STORE, all_items, wait_batch

PATH = "/v1/ebike-registration-batches"


def _items(n: int, start: int, *, prefix: str = "r") -> list[dict[str, Any]]:
    items = []
    for index, code in enumerate(sellable_vehicle_codes(n, start)):
        body = demo_registration_body(code, STORE, index=start + index)
        del body["store_id"]
        items.append({"client_reference": f"{prefix}-{start}-{index}", **body})
    return items


def _submit(raw: httpx.Client, items: list[dict[str, Any]], **headers: str) -> dict[str, Any]:
    response = raw.post(PATH, json={"store_id": STORE, "items": items}, headers=headers)
    assert response.status_code == 202, response.text
    batch: dict[str, Any] = response.json()
    return batch


def test_batch_lifecycle_items_independent(raw: httpx.Client, pool_start: int) -> None:
    items = _items(6, pool_start)
    items[2]["owner"]["mobile"] = "123"  # one bad row
    items[4]["vehicle"]["vehicle_code"] = "999999999999999"  # not in the pool
    accepted = _submit(raw, items)
    assert accepted["id"].startswith("bat_") and accepted["object"] == "ebike_registration_batch"
    assert accepted["status"] in ("queued", "processing", "completed")
    assert accepted["counts"]["total"] == 6
    batch = wait_batch(raw, accepted["id"])
    assert batch["status"] == "completed" and batch["completed_at"]
    assert batch["counts"] == {"total": 6, "queued": 0, "registered": 4, "rejected": 2, "failed": 0}
    listed = all_items(raw, batch["id"])
    assert [i["index"] for i in listed] == list(range(6))
    assert [i["client_reference"] for i in listed] == [i["client_reference"] for i in items]
    for item in listed:
        if item["status"] == "registered":
            assert item["registration_id"].startswith("reg_") and item["plate_number"]
            assert item["plate_token"].count(".") == 2 and item["error"] is None
    bad = listed[2]["error"]
    assert bad["status"] == 422 and bad["code"] == "validation.failed"
    assert bad["errors"][0]["field"] == "owner.mobile"
    assert bad["errors"][0]["message"] and bad["errors"][0]["message_zh"]
    assert listed[4]["error"]["code"] == "certificate.not_found"
    registration = raw.get(f"/v1/ebike-registrations/{listed[0]['registration_id']}").json()
    assert registration["batch_id"] == batch["id"]
    assert registration["client_reference"] == items[0]["client_reference"]


def test_items_filter_and_cursor(raw: httpx.Client, pool_start: int) -> None:
    items = _items(7, pool_start)
    items[3]["owner"]["mobile"] = "123"
    batch = wait_batch(raw, _submit(raw, items)["id"])
    page = raw.get(f"{PATH}/{batch['id']}/items", params={"limit": 3}).json()
    assert page["object"] == "list" and page["has_more"] and len(page["data"]) == 3
    rest = raw.get(f"{PATH}/{batch['id']}/items", params={"cursor": page["next_cursor"]}).json()
    assert [i["index"] for i in rest["data"]] == [3, 4, 5, 6] and not rest["has_more"]
    assert rest["next_cursor"] is None
    rejected = all_items(raw, batch["id"], status="rejected")
    assert [i["index"] for i in rejected] == [3]
    assert raw.get(f"{PATH}/{batch['id']}/items", params={"status": "nope"}).status_code == 400


def test_client_reference_is_a_durable_idempotency_key(raw: httpx.Client, pool_start: int) -> None:
    items = _items(3, pool_start)
    items[1]["owner"]["mobile"] = "123"
    first = all_items(raw, wait_batch(raw, _submit(raw, items)["id"])["id"])
    # The same items in a new batch (another Idempotency-Key): the same outcomes, replayed.
    again = all_items(raw, wait_batch(raw, _submit(raw, items)["id"])["id"])
    assert [i["registration_id"] for i in again] == [i["registration_id"] for i in first]
    assert [i["status"] for i in again] == ["registered", "rejected", "registered"]
    assert all(i["replayed"] for i in again)
    assert again[1]["error"] == first[1]["error"]
    # A registered reference with other content: 409 for that item, nothing new.
    changed = [dict(items[0], sale={**items[0]["sale"], "price_fen": 1})]
    (conflict,) = all_items(raw, wait_batch(raw, _submit(raw, changed)["id"])["id"])
    assert conflict["status"] == "rejected"
    assert conflict["error"]["code"] == "batch_item.reference_conflict"
    assert conflict["error"]["existing_id"] == first[0]["registration_id"]
    # A rejected reference with fixed content is judged afresh.
    fixed = [dict(items[1], owner={**items[1]["owner"], "mobile": "13912345678"})]
    (retried,) = all_items(raw, wait_batch(raw, _submit(raw, fixed)["id"])["id"])
    assert retried["status"] == "registered" and not retried["replayed"]


def test_one_live_registration_per_vehicle_across_batches_and_single_sales(
    raw: httpx.Client, pool_start: int
) -> None:
    (single_code, batch_code) = sellable_vehicle_codes(2, pool_start)
    sold = raw.post("/v1/ebike-registrations", json=demo_registration_body(single_code, STORE))
    assert sold.status_code == 201
    items = _items(2, pool_start)  # the same two bikes, under new references
    (taken, fresh) = all_items(raw, wait_batch(raw, _submit(raw, items)["id"])["id"])
    assert taken["status"] == "rejected"
    assert taken["error"]["code"] == "vehicle.already_registered"
    assert taken["error"]["existing_id"] == sold.json()["id"]
    assert fresh["status"] == "registered" and items[1]["vehicle"]["vehicle_code"] == batch_code
    again = raw.post("/v1/ebike-registrations", json=demo_registration_body(batch_code, STORE))
    assert again.status_code == 409 and again.json()["existing_id"] == fresh["registration_id"]


def test_post_idempotency_key_replays_the_batch(raw: httpx.Client, pool_start: int) -> None:
    items = _items(2, pool_start)
    first = raw.post(PATH, json={"store_id": STORE, "items": items},
                     headers={"Idempotency-Key": f"k-{pool_start}"})  # fmt: skip
    second = raw.post(PATH, json={"store_id": STORE, "items": items},
                      headers={"Idempotency-Key": f"k-{pool_start}"})  # fmt: skip
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
    other = raw.post(PATH, json={"store_id": STORE, "items": items[:1]},
                     headers={"Idempotency-Key": f"k-{pool_start}"})  # fmt: skip
    assert other.status_code == 409 and other.json()["code"] == "idempotency.conflict"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"store_id": STORE, "items": []}, "items"),
        ({"store_id": STORE, "items": [{"client_reference": "a"}] * 501}, "items"),
        ({"store_id": STORE, "items": [{"client_reference": ""}]}, "items.0.client_reference"),
        ({"store_id": STORE, "items": [{"client_reference": "a"}, {"client_reference": "a"}]},
         "items.1.client_reference"),
        ({"store_id": STORE, "items": ["x"]}, "items.0"),
        ({"items": [{"client_reference": "a"}]}, "store_id"),
        ({"store_id": STORE, "items": [{"client_reference": "a"}], "extra": 1}, "extra"),
    ],
)  # fmt: skip
def test_bad_envelopes_are_422_with_every_field(
    raw: httpx.Client, body: dict[str, Any], field: str
) -> None:
    response = raw.post(PATH, json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "validation.failed" and problem["detail_zh"]
    assert field in {e["field"] for e in problem["errors"]}


def test_missing_idempotency_key_and_bad_json(raw: httpx.Client) -> None:
    no_key = raw.post(PATH, json={"store_id": STORE, "items": []}, headers={"Idempotency-Key": ""})
    assert no_key.status_code == 400 and no_key.json()["code"] == "idempotency.missing_key"
    broken = raw.post(PATH, content=b"{", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.json()["code"] == "body.invalid_json"


def test_isolation_between_dealers(
    raw: httpx.Client, raw_other: httpx.Client, pool_start: int, today: date
) -> None:
    batch = _submit(raw, _items(1, pool_start))
    assert raw_other.get(f"{PATH}/{batch['id']}").status_code == 404
    assert raw_other.get(f"{PATH}/{batch['id']}/items").json()["code"] == "batch.not_found"
    stolen_store = raw_other.post(PATH, json={"store_id": STORE, "items": _items(1, pool_start)})
    assert stolen_store.status_code == 404 and stolen_store.json()["code"] == "store.not_found"
    assert raw.get(f"{PATH}/bat_nope").status_code == 404


def test_an_item_may_not_name_a_store(raw: httpx.Client, pool_start: int) -> None:
    items = _items(1, pool_start)
    items[0]["store_id"] = "st_demo_haizhou_1"
    (item,) = all_items(raw, wait_batch(raw, _submit(raw, items)["id"])["id"])
    assert item["status"] == "rejected" and item["error"]["errors"][0]["field"] == "store_id"
