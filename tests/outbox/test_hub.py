"""What only a hub's PostgreSQL outbox does: leases tied to database sessions, SKIP LOCKED
claims, uniqueness under concurrent writers, migrations, sealed and shredded personal data,
monitoring, and each dealer's own credentials."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from vehreg_sdk import VehregError
from vehreg_sdk.outbox import (
    DealerConfigError,
    DealerRouter,
    ItemStatus,
    Outbox,
    OutboxKeyProblem,
    OutboxSchemaMismatch,
    OutboxUnavailable,
    VehicleAlreadyQueued,
    claim,
    generate_key,
    load_dealers,
)
from vehreg_sdk.outbox._pg import SCHEMA_VERSION, PostgresBackend
from vehreg_sdk.sandbox import DEMO_DEALERS
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

from .bureau import CountingSandbox
from .conftest import TEST_KEY
from .outbox_support import FakeClient, run_sql, sale_payload

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def hub_url(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("VEHREG_OUTBOX_KEY", TEST_KEY)
    return postgres_url


@pytest.fixture
def hub(hub_url: str) -> Iterator[Outbox]:
    with Outbox(hub_url, retry_base_seconds=0.01, retry_max_seconds=0.05) as box:
        yield box


# --------------------------------------------------------------------------- leases
_HOLD = textwrap.dedent(
    """
    import os, signal, sys, time
    sys.path.insert(0, sys.argv[2])
    from vehreg_sdk.outbox import Outbox, claim
    box = Outbox(sys.argv[1])
    taken = claim(box, "worker-on-another-host")
    print(taken.local_id, flush=True)
    sys.stdin.readline()  # hold the lease until told to die
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.skipif(os.name != "posix", reason="kill -9")
def test_a_dead_workers_session_releases_its_items_at_once(hub: Outbox, hub_url: str) -> None:
    item = hub.enqueue(sale_payload(1))
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, hub_url, str(SRC)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == item.local_id
        # Alive (its session holds its advisory lock): the 300 s lease holds, whatever pid.
        assert hub.sync(FakeClient()).claimed == 0
        assert hub.get(item.local_id).status == ItemStatus.SUBMITTING
        holder.stdin.write("die\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == -signal.SIGKILL
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    # Dead: the server ends its session, and its lock, as soon as the socket closes.
    client = FakeClient()
    deadline = time.monotonic() + 10
    while hub.sync(client).claimed == 0:
        assert time.monotonic() < deadline, "the dead worker's lease was not released"
        time.sleep(0.05)
    done = hub.get(item.local_id)
    assert done.status == ItemStatus.PLATE_ASSIGNED
    assert client.ebike_registrations.calls[0]["idempotency_key"] == item.local_id
    retaken = [h for h in hub.history(item.local_id) if h.event == "lease_expired"]
    assert "worker-on-another-host" in retaken[0].detail
    assert "database session is gone" in retaken[0].detail


def test_claims_skip_rows_another_worker_has_locked(hub: Outbox, hub_url: str) -> None:
    first = hub.enqueue(sale_payload(2))
    second = hub.enqueue(sale_payload(3))
    with Outbox(hub_url) as other, hub._write() as conn:
        hub._get(conn, first.local_id)  # a write transaction holds the first row
        started = time.monotonic()
        taken = claim(other, "w2")  # does not wait for it: takes the next one
        assert taken is not None and taken.local_id == second.local_id
        assert time.monotonic() - started < 5


def test_concurrent_writers_cannot_queue_a_vehicle_or_a_key_twice(hub_url: str) -> None:
    boxes = [Outbox(hub_url) for _ in range(4)]
    outcomes: list[object] = []
    barrier = threading.Barrier(len(boxes))

    def same_vehicle(box: Outbox, n: int) -> None:
        barrier.wait()
        try:
            outcomes.append(box.enqueue(sale_payload(5)).local_id)
        except VehicleAlreadyQueued as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=same_vehicle, args=(b, n)) for n, b in enumerate(boxes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queued = [o for o in outcomes if isinstance(o, str)]
    assert len(queued) == 1 and len(outcomes) == 4
    assert all(o.existing_local_id == queued[0] for o in outcomes if not isinstance(o, str))  # type: ignore[union-attr]

    # The same sale (one dedupe key) from four writers: one row, three replays, never a
    # VehicleAlreadyQueued (a writer may see the winner's row only at its vehicle check).
    for sale in range(6, 16):
        replies: list[object] = []
        barrier.reset()

        def same_key(
            box: Outbox, n: int, sale: int = sale, replies: list[object] = replies
        ) -> None:
            barrier.wait()
            try:
                replies.append(box.enqueue(sale_payload(sale), dedupe_key=f"pos-{sale}").local_id)
            except Exception as exc:  # recorded, so the assertion names it
                replies.append(exc)

        threads = [threading.Thread(target=same_key, args=(b, n)) for n, b in enumerate(boxes)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(replies) == 4 and len(set(map(str, replies))) == 1, replies
        assert all(isinstance(r, str) for r in replies), replies
    for box in boxes:
        box.close()


# --------------------------------------------------------------------------- schema
def test_migrations_are_versioned_idempotent_and_serialised(postgres_url: str) -> None:
    with pytest.raises(OutboxSchemaMismatch) as early:
        PostgresBackend(postgres_url, migrate=False)  # a worker before the deploy's migrate
    assert "vehreg outbox migrate" in early.value.message and early.value.message_zh
    results: list[tuple[int, int]] = []

    def migrate() -> None:
        backend = PostgresBackend(postgres_url, migrate=False, check=False)
        results.append(backend.migrate())
        backend.close()

    threads = [threading.Thread(target=migrate) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [(0, SCHEMA_VERSION)] + [(SCHEMA_VERSION, SCHEMA_VERSION)] * 3
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute("SELECT version FROM schema_migrations").fetchall()
        assert [r[0] for r in rows] == list(range(1, SCHEMA_VERSION + 1))
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    with pytest.raises(OutboxSchemaMismatch) as newer:
        PostgresBackend(postgres_url)
    assert "upgrade vehreg-sdk" in newer.value.message


def test_the_migrate_command_on_a_hub(hub_url: str) -> None:
    from vehreg_sdk.cli import app

    runner = CliRunner()
    first = runner.invoke(app, ["outbox", "migrate", "--db", hub_url])
    assert first.exit_code == 0, first.output
    assert f"0 -> {SCHEMA_VERSION}" in first.output
    again = runner.invoke(app, ["outbox", "migrate", "--db", hub_url])
    assert again.exit_code == 0 and "up to date" in again.output


def test_an_unreachable_hub_is_a_typed_bilingual_error() -> None:
    with pytest.raises(OutboxUnavailable) as down:
        PostgresBackend.open("postgresql://hub:s3cret@127.0.0.1:9/outbox?connect_timeout=1")
    assert "s3cret" not in str(down.value) and "***" in str(down.value)
    assert isinstance(down.value, VehregError) and down.value.message_zh


# --------------------------------------------------------------------------- personal data
def test_personal_data_is_sealed_at_rest_and_shredded_after_delivery(hub: Outbox) -> None:
    payload = sale_payload(7, owner_name="欧阳娜娜", mobile="13912345678")
    item = hub.enqueue(payload)
    assert item.payload["owner"]["id_number"] == payload["owner"]["id_number"]  # opened
    raw = run_sql(hub, "SELECT payload FROM items")[0][0]
    for secret in (payload["owner"]["id_number"], "欧阳娜娜", "13912345678"):
        assert secret not in raw
    assert run_sql(hub, "SELECT COUNT(*) FROM item_keys")[0][0] == 1
    hub.sync(FakeClient())
    done = hub.get(item.local_id)
    assert done.status == ItemStatus.PLATE_ASSIGNED
    assert run_sql(hub, "SELECT COUNT(*) FROM item_keys")[0][0] == 0  # the key is destroyed
    assert done.payload["owner"]["id_number"] != payload["owner"]["id_number"]
    assert done.summary()["owner_id_number"].count("*") >= 8  # still shown masked


def test_the_master_key_is_required_kept_private_and_checked(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VEHREG_OUTBOX_KEY", raising=False)
    monkeypatch.delenv("VEHREG_OUTBOX_KEY_FILE", raising=False)
    monkeypatch.setattr("keyring.get_password", lambda *a: None)
    with pytest.raises(OutboxKeyProblem) as missing:
        Outbox(postgres_url)
    assert "VEHREG_OUTBOX_KEY" in missing.value.message and missing.value.message_zh
    key_file = tmp_path / "outbox.key"
    key_file.write_text(generate_key(), encoding="utf-8")
    key_file.chmod(0o644)
    monkeypatch.setenv("VEHREG_OUTBOX_KEY_FILE", str(key_file))
    if os.name == "posix":
        with pytest.raises(OutboxKeyProblem) as shared:
            Outbox(postgres_url)
        assert "chmod 600" in shared.value.message
    key_file.chmod(0o600)
    with Outbox(postgres_url) as box:
        local_id = box.enqueue(sale_payload(8)).local_id
    with Outbox(postgres_url, key=generate_key()) as wrong, pytest.raises(OutboxKeyProblem):
        wrong.get(local_id)


# --------------------------------------------------------------------------- monitoring
def test_health_gives_counts_and_the_oldest_pending_age(hub_url: str) -> None:
    now = [1_750_000_000.0]
    with Outbox(hub_url, clock=lambda: now[0]) as box:
        assert box.health().oldest_pending_seconds is None
        box.enqueue(sale_payload(9))
        now[0] += 90
        box.enqueue(sale_payload(10))
        health = box.health()
    assert health.engine == "postgresql" and health.sealed and health.pending == 2
    assert health.oldest_pending_seconds == pytest.approx(90)
    assert health.counts["queued"] == 2 and health.schema_version == SCHEMA_VERSION

    from vehreg_sdk.cli import app

    shown = CliRunner().invoke(app, ["outbox", "status", "--db", hub_url, "--json"])
    assert shown.exit_code == 0, shown.output
    assert '"oldest_pending_seconds"' in shown.output and '"pending": 2' in shown.output


# --------------------------------------------------------------------------- dealers
def test_each_sale_goes_out_with_its_dealers_credentials(
    hub: Outbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = DEMO_DEALERS[0], DEMO_DEALERS[1]
    # One dealer from the environment, the other from the owner-only secrets file.
    monkeypatch.setenv("VEHREG_DEALER_HAIZHOU_ID", first.id)
    monkeypatch.setenv("VEHREG_DEALER_HAIZHOU_APP_KEY", first.app_key)
    monkeypatch.setenv("VEHREG_DEALER_HAIZHOU_APP_SECRET", first.app_secret)
    monkeypatch.setenv("VEHREG_DEALER_HAIZHOU_STORES", ",".join(first.store_ids))
    secret_file = tmp_path / "campus.secret"
    secret_file.write_text(second.app_secret, encoding="utf-8")
    secret_file.chmod(0o600)
    dealers_file = tmp_path / "dealers.toml"
    dealers_file.write_text(
        f'[dealers.{second.id}]\napp_key = "{second.app_key}"\n'
        f'app_secret_ref = "file:{secret_file}"\nstores = {list(second.store_ids)!r}\n'.replace(
            "'", '"'
        ),
        encoding="utf-8",
    )
    dealers_file.chmod(0o600)
    monkeypatch.setenv("VEHREG_HUB_DEALERS_FILE", str(dealers_file))
    dealers = load_dealers()
    assert {d.dealer_id for d in dealers} == {first.id, second.id}
    assert first.app_secret not in repr(dealers)

    bureau = CountingSandbox(tmp_path / "bureau.db").start()
    try:
        codes = sellable_vehicle_codes(5, start=7400)
        stores = [first.store_ids[0], first.store_ids[1], second.store_ids[0]] * 2
        ids = [
            hub.enqueue(demo_registration_body(code, store, index=n)).local_id
            for n, (code, store) in enumerate(zip(codes, stores, strict=False))
        ]
        stray = hub.enqueue(sale_payload(11, store_id="st_not_ours"))
        with DealerRouter(dealers, base_url=bureau.base_url) as router:
            report = hub.sync(router)
            assert sorted(report.plate_assigned) == sorted(ids)
            # each dealer sees exactly its own stores' registrations
            for dealer in (first, second):
                mine = router.client(dealer.id).ebike_registrations.list().data
                assert {r.store_id for r in mine} <= set(dealer.store_ids) and mine
        assert hub.get(stray.local_id).status == ItemStatus.QUEUED  # no dealer: it waits
    finally:
        bureau.stop()


def test_dealer_secrets_are_never_taken_from_a_shared_file(tmp_path: Path) -> None:
    dealers_file = tmp_path / "dealers.toml"
    dealers_file.write_text('[dealers.dl_x]\napp_key = "k"\napp_secret = "s"\n', "utf-8")
    dealers_file.chmod(0o644)
    env = {"VEHREG_HUB_DEALERS_FILE": str(dealers_file)}
    if os.name == "posix":
        with pytest.raises(DealerConfigError) as shared:
            load_dealers(env)
        assert "chmod 600" in shared.value.message and shared.value.message_zh
    with pytest.raises(DealerConfigError) as missing:
        load_dealers({"VEHREG_DEALER_X_APP_KEY": "k"})
    assert "VEHREG_DEALER_X_APP_SECRET" in missing.value.message


def test_rotating_the_master_key_keeps_live_items_readable(hub: Outbox, hub_url: str) -> None:
    item = hub.enqueue(sale_payload(12))
    new_key = generate_key()
    assert hub.rotate_key(new_key) == 1
    with Outbox(hub_url, key=new_key) as rotated:
        assert rotated.get(item.local_id).payload["owner"]["name"] == "张三"
    with Outbox(hub_url, key=TEST_KEY) as old, pytest.raises(OutboxKeyProblem):
        old.get(item.local_id)  # the old key opens nothing any more


def test_the_example_hub_worker_delivers_with_the_dealers_keys(
    hub: Outbox, hub_url: str, tmp_path: Path
) -> None:
    dealer = DEMO_DEALERS[0]
    bureau = CountingSandbox(tmp_path / "bureau.db").start()
    try:
        (code,) = sellable_vehicle_codes(1, start=7600)
        item = hub.enqueue(demo_registration_body(code, dealer.store_ids[0], index=1))
        env = {
            **os.environ,
            "VEHREG_BASE_URL": bureau.base_url,
            "VEHREG_DEALER_ONE_ID": dealer.id,
            "VEHREG_DEALER_ONE_APP_KEY": dealer.app_key,
            "VEHREG_DEALER_ONE_APP_SECRET": dealer.app_secret,
            "VEHREG_DEALER_ONE_STORES": ",".join(dealer.store_ids),
        }
        example = Path(__file__).resolve().parents[2] / "examples" / "hub_worker.py"
        done = subprocess.run(
            [sys.executable, str(example), "--db", hub_url, "--once"],
            env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert hub.get(item.local_id).status == ItemStatus.PLATE_ASSIGNED
        assert "0 pending" in done.stderr
    finally:
        bureau.stop()
