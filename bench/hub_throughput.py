"""Hub benchmarks (issue 17): a PostgreSQL outbox shared by sync workers in separate processes.

Run: ``python bench/hub_throughput.py [--sales 240] [--latency-ms 50:150] [--load-seconds 20]
[--db-url postgresql://...]``

Without ``--db-url`` a throwaway PostgreSQL cluster is started (as the tests do: loopback,
random port, the ``postgres`` user under root), with durable settings (``fsync=on``,
``synchronous_commit=on``), so a commit costs what it costs on a real server's disk.

1. **Worker scaling.** ``--sales`` sales are queued, then 1, 2 and 4 sync workers (separate
   processes, set up before a start gate opens) deliver them to a fake bureau that answers
   each registration after a random ``--latency-ms`` delay (a real bureau answers in tens to
   hundreds of milliseconds; without that on 2 cores worker scaling measures nothing). The
   figure is sales/s from the gate to the last plate recorded, and each as a ratio to 1
   worker, in the same run, on the same database.
2. **Enqueue latency at the hub's peak.** 168 stores each selling 20 bikes a minute (56
   sales/s in all, Poisson arrivals) enqueue through one hub process (a thread per request
   from a pool of 32, one ``Outbox`` with a pool of 8 connections) for ``--load-seconds``,
   while 8 workers deliver. Each latency is from the sale's scheduled arrival to the
   enqueue's return (a late start counts: no coordinated omission); p50 and p99 are given.
3. **SQLite against PostgreSQL for a single till.** One process enqueues ``--sales`` sales
   one by one (each a durable commit), then syncs them to a bureau that answers at once:
   enqueue p50/p99 and sync sales/s, SQLite's file (WAL, ``synchronous=FULL``) against the
   same on PostgreSQL; the ratios say what the default saves a till.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.outbox.outbox_support import resident_id  # noqa: E402 - fictional, checksum-valid IDs

KEY = "YmVuY2gtaHViLW91dGJveC1rZXktMDEyMzQ1Njc4OWE="  # a fixed bench key (base64 of 32 bytes)


# --------------------------------------------------------------------------- the fake bureau
class _Registrations:
    def __init__(self, latency: tuple[float, float]) -> None:
        self.latency = latency
        self.created: dict[str, Any] = {}
        self._n = 0
        self._lock = threading.Lock()

    def create(self, **kwargs: Any) -> Any:
        from vehreg_sdk.types import EbikeRegistration

        low, high = self.latency
        if high > 0:
            time.sleep(random.uniform(low, high))  # the bureau's answer time
        with self._lock:
            self._n += 1
            n = self._n
        now = datetime.now(UTC).isoformat()
        reg = EbikeRegistration.model_validate(
            {
                "id": f"reg_{os.getpid()}_{n}",
                "status": "plate_assigned",
                "store_id": kwargs["store_id"],
                "vehicle": {**kwargs["vehicle"], "brand": "X"},
                "owner": {"name": "张*", "id_type": "A", "id_number": "3207****",
                          "mobile": "138****", "use": "self"},
                "sale": kwargs["sale"],
                "plate_number": f"苏G{n:06d}",
                "plate_token": "tok",
                "client_reference": kwargs.get("client_reference"),
                "uploads": [],
                "created_at": now,
                "updated_at": now,
            }
        )  # fmt: skip
        self.created[reg.id] = reg
        return reg

    def retrieve(self, registration_id: str, **_: Any) -> Any:
        return self.created[registration_id]


class FakeBureau:
    """The resources sync uses; each registration answered after the injected latency."""

    def __init__(self, latency: tuple[float, float]) -> None:
        self.ebike_registrations = _Registrations(latency)
        self.vehicle_registrations = self.ebike_registrations
        self.uploads = None


def sale(n: int, store: int) -> dict[str, Any]:
    return {
        "store_id": f"st_{store:03d}",
        "vehicle": {"vehicle_code": f"32072{n:010d}", "motor_code": f"M{n:09d}",
                    "product_model": "TDT1234Z", "color": "白", "battery_chemistry": "lithium",
                    "battery_voltage_v": 48, "battery_capacity_ah": 20},
        "owner": {"name": "张三", "id_type": "A", "id_number": resident_id(n),
                  "mobile": f"1381234{n % 10000:04d}", "address": "江苏省连云港市海州区朝阳中路1号",
                  "use": "self"},
        "sale": {"invoice_number": f"INV{n:08d}", "invoice_date": date.today().isoformat(),
                 "price_fen": 299900, "clerk_id": "C001"},
    }  # fmt: skip


# --------------------------------------------------------------------------- a worker process
def worker_main(url: str, gate: str, latency: tuple[float, float]) -> int:
    from vehreg_sdk.outbox import Outbox

    bureau = FakeBureau(latency)
    with Outbox(url, pool_size=2, retry_base_seconds=0.05, retry_max_seconds=0.5) as box:
        print("ready", flush=True)
        while not Path(gate).exists():
            time.sleep(0.005)
        while True:
            report = box.sync(bureau)  # type: ignore[arg-type]  # the fake's resources
            if Path(gate + ".stop").exists() or (
                not report.claimed and box.health().pending == 0 and Path(gate + ".drain").exists()
            ):
                return 0
            if not report.claimed:
                time.sleep(0.02)


@contextmanager
def workers(url: str, count: int, latency: tuple[float, float], gate: Path) -> Any:
    spec = f"{latency[0]}:{latency[1]}"
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", url, "--gate", str(gate), "--latency-s", spec],
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for _ in range(count)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield procs
    finally:
        Path(str(gate) + ".stop").touch()
        for proc in procs:
            proc.wait(timeout=120)
            if proc.stdout is not None:
                proc.stdout.close()


# --------------------------------------------------------------------------- measurements
def fresh_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def scaling(admin_url: str, sales: int, latency: tuple[float, float]) -> dict[int, float]:
    from vehreg_sdk.outbox import Outbox

    rates: dict[int, float] = {}
    for count in (1, 2, 4):
        url = fresh_database(admin_url, f"bench_scaling_{count}")
        with Outbox(url) as box:
            box.enqueue_many([sale(n, n % 168) for n in range(sales)])
        with tempfile.TemporaryDirectory() as tmp:
            gate = Path(tmp) / "gate"
            with workers(url, count, latency, gate), Outbox(url) as box:
                started = time.perf_counter()
                gate.touch()
                while box.counts()["plate_assigned"] < sales:
                    time.sleep(0.02)
                rates[count] = sales / (time.perf_counter() - started)
    return rates


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def peak_load(
    admin_url: str, seconds: float, latency: tuple[float, float], stores: int = 168
) -> dict[str, float]:
    from vehreg_sdk.outbox import Outbox

    rate = stores * 20 / 60  # sales per second, all stores together
    url = fresh_database(admin_url, "bench_peak")
    rng = random.Random(17)
    arrivals, at = [], 0.0
    while at < seconds:
        at += rng.expovariate(rate)
        arrivals.append(at)
    latencies: list[float] = []
    lock = threading.Lock()
    with Outbox(url, pool_size=8) as box, tempfile.TemporaryDirectory() as tmp:
        gate = Path(tmp) / "gate"
        with workers(url, 8, latency, gate):
            gate.touch()
            start = time.perf_counter()

            def one(n: int, due: float) -> None:
                box.enqueue(sale(n, n % stores), dedupe_key=f"store-{n % stores}/sale-{n}")
                with lock:
                    latencies.append(time.perf_counter() - (start + due))

            with ThreadPoolExecutor(32) as pool:
                for n, due in enumerate(arrivals):
                    delay = start + due - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                    pool.submit(one, n, due)
            Path(str(gate) + ".drain").touch()
            while box.health().pending:
                time.sleep(0.05)
            drained = time.perf_counter() - start
    return {
        "sales": len(arrivals),
        "offered_per_s": rate,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "all_plated_after_s": drained,
    }


def single_till(target: str | Path, sales: int) -> dict[str, float]:
    from vehreg_sdk.outbox import Outbox

    enqueue_ms: list[float] = []
    with Outbox(target) as box:
        for n in range(sales):
            started = time.perf_counter()
            box.enqueue(sale(n, 1))
            enqueue_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        box.sync(FakeBureau((0.0, 0.0)))  # type: ignore[arg-type]
        sync_rate = sales / (time.perf_counter() - started)
        assert box.counts()["plate_assigned"] == sales
    return {
        "enqueue_p50_ms": statistics.median(enqueue_ms),
        "enqueue_p99_ms": percentile(enqueue_ms, 0.99),
        "sync_per_s": sync_rate,
    }


# --------------------------------------------------------------------------- a durable cluster
@contextmanager
def durable_cluster() -> Any:
    """A throwaway cluster like the tests', but with fsync and synchronous commits on."""
    import tests.postgres_cluster as pgc

    original = pgc.PostgresCluster._ctl

    def durable_ctl(self: Any, *args: str, check: bool = True) -> Any:
        if args and args[0] == "start":
            args = tuple(
                a.replace("-c fsync=off -c synchronous_commit=off -c full_page_writes=off", "")
                for a in args
            )
        return original(self, *args, check=check)

    pgc.PostgresCluster._ctl = durable_ctl  # type: ignore[method-assign]
    try:
        with pgc.running_cluster() as cluster:
            yield cluster.url()
    finally:
        pgc.PostgresCluster._ctl = original  # type: ignore[method-assign]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=240)
    parser.add_argument("--latency-ms", default="50:150")
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--db-url", help="an existing server's admin URL (default: throwaway)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--gate", help=argparse.SUPPRESS)
    parser.add_argument("--latency-s", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("VEHREG_OUTBOX_KEY", KEY)
    if args.worker:
        low, high = (float(x) for x in args.latency_s.split(":"))
        return worker_main(args.worker, args.gate, (low, high))
    low_ms, high_ms = (float(x) for x in args.latency_ms.split(":"))
    latency = (low_ms / 1000, high_ms / 1000)

    @contextmanager
    def server() -> Any:
        if args.db_url:
            yield args.db_url
        else:
            with durable_cluster() as url:
                yield url

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"hub benchmark: bureau latency {args.latency_ms} ms, load average {load:.1f}")
    with server() as admin_url:
        print(f"1. worker scaling, {args.sales} sales queued, sales/s gate to last plate:")
        rates = scaling(admin_url, args.sales, latency)
        for count, rate in rates.items():
            print(f"   {count} worker(s): {rate:6.1f} sales/s  {rate / rates[1]:.2f}x of 1 worker")
        print(f"2. peak: 168 stores x 20 bikes/min for {args.load_seconds:g} s, 8 workers:")
        peak = peak_load(admin_url, args.load_seconds, latency)
        print(
            f"   {peak['sales']:.0f} sales at {peak['offered_per_s']:.0f}/s: enqueue p50 "
            f"{peak['p50_ms']:.1f} ms, p99 {peak['p99_ms']:.1f} ms; all plated "
            f"{peak['all_plated_after_s']:.1f} s after the first sale"
        )
        print(f"3. a single till, {args.sales} sales enqueued then synced (bureau at once):")
        with tempfile.TemporaryDirectory() as tmp:
            lite = single_till(Path(tmp) / "till.db", args.sales)
        pg = single_till(fresh_database(admin_url, "bench_till"), args.sales)
        for name, row in (("SQLite", lite), ("PostgreSQL", pg)):
            print(
                f"   {name:<10}: enqueue p50 {row['enqueue_p50_ms']:.2f} ms, "
                f"p99 {row['enqueue_p99_ms']:.2f} ms; sync {row['sync_per_s']:.0f} sales/s"
            )
        print(
            f"   PostgreSQL / SQLite: enqueue p50 "
            f"{pg['enqueue_p50_ms'] / lite['enqueue_p50_ms']:.2f}x, sync rate "
            f"{pg['sync_per_s'] / lite['sync_per_s']:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
