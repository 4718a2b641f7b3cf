"""Benchmark: validate generated e-bike sale rows (models plus rules) on one core.

For each row the till's work is timed: build ``types.EbikeVehicle``,
``types.Owner`` and ``types.Sale`` (their validators run the field rules),
then ``rules.check_ebike_registration`` with the bike's certificate (the
headline figure, target 50,000 rows/s), and without it; the models alone
are timed too. The baseline builds plain pydantic models with the same
fields and no validators from the same rows in the same run, so the ratio
holds steadier across machines than the rate. The workloads take turns
within each repeat (baseline, models, ..., baseline, models, ...), so a
neighbour's load on a shared machine hits them alike; each keeps its best
wall time (the verdict) and its best CPU time of the process (shown beside
it: on a busy machine wall time also counts the time other jobs ran). Peak
memory of the measured loop comes from tracemalloc (run separately, as
tracing slows the loop down). Figures: docs/performance.md, "Rules".

    /work/venv/bin/python bench/bench_rules.py [--rows 100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

from pydantic import BaseModel

from vehreg_sdk import rules
from vehreg_sdk.testing import fake_certificate, fake_ebike_model, fake_sale_row
from vehreg_sdk.types import BatteryChemistry, EbikeCertificate, EbikeVehicle, Owner, Sale

TARGET_ROWS_PER_S = 50_000
SOLD_ON = date(2025, 11, 20)
CHECKED_ON = date(2025, 11, 21)


class PlainVehicle(BaseModel):
    vehicle_code: str
    motor_code: str
    product_model: str
    color: str
    battery_chemistry: str
    battery_voltage_v: float
    battery_capacity_ah: float


class PlainOwner(BaseModel):
    name: str
    id_type: str
    id_number: str
    mobile: str
    address: str


class PlainSale(BaseModel):
    invoice_number: str
    invoice_date: date
    price_fen: int
    clerk_id: str


Row = tuple[dict[str, Any], EbikeCertificate]


def make_rows(count: int, seed: int = 20251120) -> list[Row]:
    """``count`` valid rows, each bike with its own certificate; 20 models of both standards."""
    rng = random.Random(seed)
    models = [
        fake_ebike_model(
            rng,
            "GB17761-2024" if i % 4 else "GB17761-2018",
            chemistry=BatteryChemistry.LEAD_ACID if i % 3 == 0 else BatteryChemistry.LITHIUM,
        )
        for i in range(20)
    ]
    rows: list[Row] = []
    for _ in range(count):
        model = rng.choice(models)
        made = date(2025, 10, 1) if model.standard == "GB17761-2024" else date(2025, 6, 1)
        certificate = fake_certificate(rng, model, made)
        rows.append((fake_sale_row(rng, certificate, sold_on=SOLD_ON), certificate))
    return rows


def validate_with_rules(rows: list[Row]) -> int:
    """The measured work: typed models plus every rule. Returns the number of rows with errors."""
    rejected = 0
    for row, certificate in rows:
        vehicle = EbikeVehicle(**row["vehicle"])
        owner = Owner(**row["owner"])
        sale = Sale(**row["sale"])
        found = rules.check_ebike_registration(vehicle, owner, sale, certificate, on=CHECKED_ON)
        if rules.errors_only(found):
            rejected += 1
    return rejected


def validate_without_certificate(rows: list[Row]) -> int:
    """The same, before the certificate look-up: the bike is judged by the standard in force."""
    rejected = 0
    for row, _ in rows:
        vehicle = EbikeVehicle(**row["vehicle"])
        owner = Owner(**row["owner"])
        sale = Sale(**row["sale"])
        found = rules.check_ebike_registration(vehicle, owner, sale, on=CHECKED_ON)
        if rules.errors_only(found):
            rejected += 1
    return rejected


def models_only(rows: list[Row]) -> int:
    """Only the typed models (whose validators run the field rules)."""
    for row, _ in rows:
        EbikeVehicle(**row["vehicle"])
        Owner(**row["owner"])
        Sale(**row["sale"])
    return 0


def baseline(rows: list[Row]) -> int:
    """Bare pydantic construction of the same rows: no validators, no rules."""
    for row, _ in rows:
        PlainVehicle(**row["vehicle"])
        PlainOwner(**row["owner"])
        PlainSale(**row["sale"])
    return 0


Work = Callable[[list[Row]], int]


def timed(workloads: dict[str, Work], rows: list[Row], repeats: int) -> dict[str, Timing]:
    """Best wall and CPU time of each workload over ``repeats`` rounds, taking turns.

    GC is off while timing, as timeit does. Raises if a workload rejects a row.
    """
    best = {label: Timing(float("inf"), float("inf")) for label in workloads}
    for _ in range(repeats):
        for label, work in workloads.items():
            gc.collect()
            gc.disable()
            cpu, wall = time.process_time(), time.perf_counter()
            rejected = work(rows)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            gc.enable()
            if rejected:
                raise SystemExit(
                    f"{label}: {rejected} generated rows were rejected: generator or rules broke"
                )
            best[label] = Timing(min(best[label].wall, wall), min(best[label].cpu, cpu))
    return best


class Timing(NamedTuple):
    wall: float
    cpu: float


def peak_memory(work: Callable[[list[Row]], int], rows: list[Row]) -> int:
    tracemalloc.start()
    work(rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = make_rows(args.rows)
    validate_with_rules(rows[:1000])  # warm caches and imports, as a running till would be
    best = timed(
        {
            "baseline: bare pydantic": baseline,
            "models only (field rules)": models_only,
            "models + rules, no certificate": validate_without_certificate,
            "models + rules + certificate": validate_with_rules,
        },
        rows,
        args.repeats,
    )
    base = best["baseline: bare pydantic"]
    print(f"rows {args.rows:,}, best of {args.repeats} (taking turns), one core")
    print(f"{'':36s} {'wall rows/s':>11s} {'vs baseline':>11s} {'cpu rows/s':>11s}")
    for label, timing in best.items():
        print(
            f"{label:36s} {args.rows / timing.wall:>11,.0f} {timing.wall / base.wall:>10.2f}x"
            f" {args.rows / timing.cpu:>11,.0f}"
        )
    rate = args.rows / best["models + rules + certificate"].wall
    verdict = "met" if rate >= TARGET_ROWS_PER_S else "missed"
    print(f"target {TARGET_ROWS_PER_S:,} rows/s (models + rules + certificate): {verdict}")
    mib = 2**20
    print(
        f"peak traced memory: baseline {peak_memory(baseline, rows) / mib:.1f} MiB, "
        f"models + rules + certificate {peak_memory(validate_with_rules, rows) / mib:.1f} MiB "
        "(the rows, made before tracing, excluded)"
    )


if __name__ == "__main__":
    main()
