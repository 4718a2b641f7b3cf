"""Car registrations through the offline outbox: items keyed by (kind, business key)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.outbox.outbox_support import sale_payload

from vehreg_sdk import VehregClient
from vehreg_sdk.outbox import ItemStatus, Outbox, VehicleAlreadyQueued
from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.sandbox.car_catalogue import model_of
from vehreg_sdk.sandbox.car_seed import demo_car_registration_body, unused_car_certificates
from vehreg_sdk.sandbox.clock import shanghai_date
from vehreg_sdk.testing import SAMPLE_JPEG


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client(tmp_path: Path) -> Iterator[VehregClient]:
    dealer = DEMO_DEALERS[0]
    with (
        SandboxServer(tmp_path / "outbox-bureau.db") as server,
        VehregClient(
            base_url=server.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
        ) as bureau,
    ):
        yield bureau


def test_a_car_goes_through_the_outbox_to_its_plate(tmp_path: Path, client: VehregClient) -> None:
    (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
    today = shanghai_date(time.time())
    client.purchase_tax.test_helpers.pay(
        certificate["vin"], price_fen=model_of(certificate).price_fen, invoice_date=today
    )
    body = demo_car_registration_body(
        certificate, DEMO_DEALERS[0].store_ids[0], retained_number="苏GQ1357", invoice_date=today
    )
    clock = Clock()
    with Outbox(tmp_path / "shop.db", clock=clock) as outbox:
        item = outbox.enqueue(body, photos=[("vin_rubbing", SAMPLE_JPEG)])
        assert item.kind == "car" and item.vehicle_code == certificate["vin"]
        with pytest.raises(VehicleAlreadyQueued):
            outbox.enqueue(body)  # one live item per (car, VIN)
        bike = outbox.enqueue(sale_payload(1))  # an e-bike beside it, keyed on its own
        assert bike.kind == "ebike"

        outbox.sync(client)  # the bike names a store the sandbox lacks: needs_attention
        assert outbox.get(bike.local_id).status == ItemStatus.NEEDS_ATTENTION
        submitted = outbox.get(item.local_id)
        assert submitted.status == ItemStatus.SUBMITTED and submitted.registration_id
        assert submitted.registration_id.startswith("vr_")
        clock.now += 60  # the plate comes after the station's inspection: look again later
        outbox.sync(client)
        plated = outbox.get(item.local_id)
        assert plated.status == ItemStatus.PLATE_ASSIGNED
        assert plated.plate_number == "苏GQ1357" and plated.plate_token
        registration = plated.registration()
        assert registration is not None and registration.object == "vehicle_registration"
        assert registration.vehicle.vin == certificate["vin"]  # type: ignore[union-attr]
        assert "vin_rubbing" in {photo.kind for photo in registration.photos}


def test_an_outbox_file_from_before_cars_is_keyed_by_kind(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # the e-bike-only layout of the items table
        conn.executescript(
            """
            CREATE TABLE items (local_id TEXT PRIMARY KEY, store_id TEXT NOT NULL,
              vehicle_code TEXT NOT NULL, payload TEXT NOT NULL,
              revision INTEGER NOT NULL DEFAULT 0,
              status TEXT NOT NULL, dedupe_key TEXT UNIQUE, source TEXT NOT NULL DEFAULT 'api',
              meta TEXT NOT NULL DEFAULT '{}', attempts INTEGER NOT NULL DEFAULT 0,
              next_attempt_at REAL NOT NULL, lease_owner TEXT, lease_expires_at REAL,
              registration_id TEXT, plate_number TEXT, plate_token TEXT, registration TEXT,
              errors TEXT NOT NULL DEFAULT '[]', last_error_code TEXT,
              created_at REAL NOT NULL, updated_at REAL NOT NULL);
            CREATE UNIQUE INDEX items_live_vehicle ON items (vehicle_code)
              WHERE status != 'rejected';
            """
        )
    with Outbox(path) as outbox:
        item = outbox.enqueue(sale_payload(2))
        assert item.kind == "ebike"
    with sqlite3.connect(path) as conn:
        indexes = {row[1] for row in conn.execute("PRAGMA index_list(items)")}
    assert "items_live_business_key" in indexes and "items_live_vehicle" not in indexes
