"""Bulk benchmarks (issue 7): submit throughput against raw httpx, and offline validation.

Run: ``python bench/bench_bulk.py [--rows 10000] [--concurrency 4] [--validate-rows 100000]``

* **Throughput.** Each comparison runs against a fresh sandbox in its own
  process on a loopback port (rate limit off); both sides of a comparison share
  that sandbox, in the same run, each with bikes of its own.

  1. *Batch endpoint vs single creates.* ``client.bulk.submit`` registers
     ``--rows`` campus rows from a CSV file (parsing, rules, journal and all)
     through ``POST /v1/ebike-registration-batches``; then raw
     ``httpx.AsyncClient`` sends ``--rows`` signed ``POST /v1/ebike-registrations``,
     one per bike, at the same concurrency.
  2. *Like for like.* ``client.bulk.submit(..., mode="single")``, the concurrent
     single-create mode (the fallback for a bureau without batches), against
     raw ``httpx.AsyncClient`` sending the same signed creates at the same
     concurrency. To cancel the drift of a shared machine's load and of the
     growing database, the ``--rows`` of each side are cut into ten blocks run
     in pairs whose order alternates (raw then bulk, bulk then raw, ...); the
     rate of each side is its rows over the sum of its blocks' wall time (each
     bulk block a whole ``submit``: opening its file and journal included).
     The client process's CPU time per row is recorded for both sides too.

  The figure is rows/s of each side and their ratio (target: bulk >= 0.8 x raw).
  The raw baseline's bodies are serialised before its clock starts; the bulk
  side's clock covers everything ``submit`` does, from opening the file to the
  journal's last commit.
* **Validation.** ``vehreg bulk validate`` of a ``--validate-rows`` CSV (5 % bad
  rows) in a child process: rows/s of the whole command (interpreter start
  included), then :func:`validate_file` alone in one process (the default below
  4 cores) and with two worker processes, with rows per CPU-second and the peak
  RSS of the main process and of a worker (targets: >= 30,000 rows/s, < 200 MB).
  Each is run ``--repeats`` times and the best run kept; the load average is
  recorded with it, since on a shared machine wall-clock rates drop with load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from vehreg_sdk import AsyncVehregClient
from vehreg_sdk._signing import signature_headers
from vehreg_sdk.sandbox import DEMO_DEALERS
from vehreg_sdk.sandbox.catalogue import catalogue as seed_catalogue
from vehreg_sdk.sandbox.clock import shanghai_date, system_clock
from vehreg_sdk.testing.campus import campus_rows, write_campus_sheet

#: ``vehreg`` in a child process (the package has no ``__main__``).
CLI = (sys.executable, "-c", "from vehreg_sdk.cli import main; main()")
DEALER = DEMO_DEALERS[1]
STORE = DEALER.store_ids[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_sandbox(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [*CLI, "sandbox", "serve", "--port", str(port),
         "--db", str(db), "--rate-limit", "0", "--review-delay", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base_url + "/v1/health", timeout=1).status_code == 200:
                return proc, base_url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the sandbox did not start")


def _wire_item(values: dict[str, str], models: dict[str, Any]) -> dict[str, Any]:
    model = models[values["product_model"]]
    return {
        "store_id": STORE,
        "vehicle": {
            "vehicle_code": values["vehicle_code"], "motor_code": values["motor_code"],
            "product_model": values["product_model"], "color": values["color"],
            "battery_chemistry": model["battery_chemistry"],
            "battery_voltage_v": model["battery_voltage_v"],
            "battery_capacity_ah": model["battery_capacity_ah"],
        },
        "owner": {"name": values["owner_name"], "id_type": "A",
                  "id_number": values["owner_id_number"], "mobile": values["owner_mobile"],
                  "address": values["owner_address"], "use": "self"},
        "sale": {"invoice_number": values["invoice_number"],
                 "invoice_date": values["invoice_date"],
                 "price_fen": int(float(values["price_yuan"]) * 100), "clerk_id": "C001"},
    }  # fmt: skip


async def _raw(base_url: str, bodies: list[bytes], concurrency: int) -> tuple[float, int]:
    path = "/v1/ebike-registrations"
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    created = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal created
        while not queue.empty():
            body = queue.get_nowait()
            headers = signature_headers(
                app_key=DEALER.app_key, secret=DEALER.app_secret, method="POST", path=path,
                query="", body=body, timestamp=int(time.time()),
            )  # fmt: skip
            headers["Content-Type"] = "application/json"
            headers["Idempotency-Key"] = str(uuid.uuid4())
            response = await client.post(base_url + path, content=body, headers=headers)
            created += response.status_code == 201

    async with httpx.AsyncClient(timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return time.perf_counter() - started, created


async def _bulk(
    base_url: str, sheet: Path, journal: Path, concurrency: int, mode: str = "batch"
) -> tuple[float, Any]:
    async with AsyncVehregClient(
        base_url=base_url, app_key=DEALER.app_key, app_secret=DEALER.app_secret, timeout=120
    ) as client:
        started = time.perf_counter()
        result = await client.bulk.submit(
            sheet,
            store_id=STORE,
            concurrency=concurrency,
            journal=journal,
            mode=mode,  # type: ignore[arg-type]
        )
        return time.perf_counter() - started, result


def _bodies(rows: list[Any], models: dict[str, Any]) -> list[bytes]:
    return [json.dumps(_wire_item(row.values, models), ensure_ascii=False).encode() for row in rows]


def throughput(rows: int, concurrency: int, work: Path) -> dict[str, Any]:
    """Batch endpoint vs raw single creates (the first comparison of the module docstring)."""
    today = shanghai_date(system_clock())
    models = {m["product_model"]: m for m in seed_catalogue()}
    generated = list(campus_rows(2 * rows, on=today, minors_every=0, seed=11))
    sheet = work / "throughput.csv"
    write_campus_sheet(sheet, generated[:rows])
    bodies = _bodies(generated[rows:], models)
    proc, base_url = _start_sandbox(work / "sandbox.db")
    try:
        bulk_s, result = asyncio.run(_bulk(base_url, sheet, work / "journal.sqlite", concurrency))
        raw_s, created = asyncio.run(_raw(base_url, bodies, concurrency))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    bulk_rate, raw_rate = rows / bulk_s, rows / raw_s
    return {
        "rows": rows,
        "load_average": round(os.getloadavg()[0], 2),
        "concurrency": concurrency,
        "bulk_registered": result.counts.registered,
        "raw_created": created,
        "bulk_seconds": round(bulk_s, 2),
        "raw_seconds": round(raw_s, 2),
        "bulk_rows_per_s": round(bulk_rate, 1),
        "raw_rows_per_s": round(raw_rate, 1),
        "ratio": round(bulk_rate / raw_rate, 2),
    }


def throughput_single(rows: int, concurrency: int, work: Path, blocks: int = 10) -> dict[str, Any]:
    """``bulk.submit(mode="single")`` vs raw single creates, interleaved, on one fresh sandbox.

    Each side's ``rows`` are cut into ``blocks`` blocks, run in pairs whose order
    alternates (raw, bulk, bulk, raw, ...), so both sides meet the same load.
    """
    today = shanghai_date(system_clock())
    models = {m["product_model"]: m for m in seed_catalogue()}
    size = rows // blocks
    generated = list(campus_rows(2 * blocks * size, on=today, minors_every=0, seed=12))
    parts = [generated[i * size : (i + 1) * size] for i in range(2 * blocks)]
    sheets = []
    for index in range(blocks):
        sheet = work / f"single-{index}.csv"
        write_campus_sheet(sheet, parts[2 * index + 1])
        sheets.append(sheet)
    load_before = os.getloadavg()[0]
    proc, base_url = _start_sandbox(work / "sandbox-single.db")
    seconds = {"raw": 0.0, "bulk": 0.0}
    cpu = {"raw": 0.0, "bulk": 0.0}
    made = {"raw": 0, "bulk": 0}
    ratios: list[float] = []
    try:
        for index in range(blocks):
            bodies = _bodies(parts[2 * index], models)
            order = ("raw", "bulk") if index % 2 == 0 else ("bulk", "raw")
            rates = {}
            for side in order:
                started_cpu = time.process_time()
                if side == "raw":
                    elapsed, count = asyncio.run(_raw(base_url, bodies, concurrency))
                else:
                    journal = work / f"single-{index}.journal.sqlite"
                    elapsed, result = asyncio.run(
                        _bulk(base_url, sheets[index], journal, concurrency, mode="single")
                    )
                    count = result.counts.registered
                cpu[side] += time.process_time() - started_cpu
                seconds[side] += elapsed
                made[side] += count
                rates[side] = size / elapsed
            ratios.append(rates["bulk"] / rates["raw"])
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    total = blocks * size
    bulk_rate, raw_rate = total / seconds["bulk"], total / seconds["raw"]
    return {
        "rows": total,
        "blocks": f"{blocks} x {size} rows a side, alternating raw/bulk and bulk/raw",
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "concurrency": concurrency,
        "bulk_registered": made["bulk"],
        "raw_created": made["raw"],
        "bulk_seconds": round(seconds["bulk"], 2),
        "raw_seconds": round(seconds["raw"], 2),
        "bulk_rows_per_s": round(bulk_rate, 1),
        "raw_rows_per_s": round(raw_rate, 1),
        "ratio": round(bulk_rate / raw_rate, 2),
        "block_ratios": sorted(round(r, 2) for r in ratios),
        # CPU of this (client) process per row; the sandbox runs in its own process.
        "bulk_client_cpu_ms_per_row": round(1000 * cpu["bulk"] / total, 2),
        "raw_client_cpu_ms_per_row": round(1000 * cpu["raw"] / total, 2),
    }


VALIDATE_CHILD = """
import sys, time, resource
from datetime import date
from vehreg_sdk.bulk.validate import validate_file
from vehreg_sdk.sandbox.catalogue import catalogue
snapshot = {m["product_model"]: m for m in catalogue()}
def cpu():
    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
started, cpu0 = time.perf_counter(), cpu()
summary = validate_file(sys.argv[1], on=date.fromisoformat(sys.argv[2]), catalogue=snapshot,
                        report=sys.argv[3], jobs=int(sys.argv[4]))
elapsed, used = time.perf_counter() - started, cpu() - cpu0
print(summary.rows, summary.error_rows, elapsed, used,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _validate_in_child(sheet: Path, day: str, report: Path, jobs: int) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, "-c", VALIDATE_CHILD, str(sheet), day, str(report), str(jobs)],
        capture_output=True, text=True, encoding="utf-8", check=True,
    )  # fmt: skip
    rows, errors, wall, cpu, own_rss, worker_rss = child.stdout.split()
    return {
        "rows_per_s": round(int(rows) / float(wall)),
        "rows_per_cpu_s": round(int(rows) / float(cpu)),
        "error_rows": int(errors),
        "peak_rss_mb": round(int(own_rss) / 1024, 1),
        "worker_peak_rss_mb": round(int(worker_rss) / 1024, 1),
    }


def validation(rows: int, work: Path, repeats: int) -> dict[str, Any]:
    today = shanghai_date(system_clock()).isoformat()
    sheet = work / "validate.csv"
    catalogue_file = work / "catalogue.json"
    catalogue_file.write_text(json.dumps(list(seed_catalogue()), ensure_ascii=False), "utf-8")
    write_campus_sheet(sheet, campus_rows(rows, on=date.fromisoformat(today), bad_every=20, seed=5))
    command = [*CLI, "bulk", "validate", str(sheet), "--catalogue", str(catalogue_file),
               "--date", today, "--report", str(work / "validate.report.csv")]  # fmt: skip
    runs: list[dict[str, Any]] = []
    for _ in range(repeats):
        load = os.getloadavg()[0]
        started = time.perf_counter()
        done = subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", check=False
        )
        cli_s = time.perf_counter() - started
        runs.append({
            "load_average": round(load, 2),
            "cli_exit_code": done.returncode,
            "cli_rows_per_s": round(rows / cli_s),
            "one_process": _validate_in_child(sheet, today, work / "one.csv", 1),
            "two_processes": _validate_in_child(sheet, today, work / "two.csv", 2),
        })  # fmt: skip
    best = max(runs, key=lambda run: run["cli_rows_per_s"])
    return {
        "rows": rows,
        "best": best,
        "cli_rows_per_s_all_runs": [run["cli_rows_per_s"] for run in runs],
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--validate-rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3, help="validation runs (best kept)")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-validation", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="vehreg-bench-bulk-") as tmp:
        work = Path(tmp)
        if not args.skip_validation:
            out["validation"] = validation(args.validate_rows, work, args.repeats)
            best, runs = out["validation"]["best"], out["validation"]["cli_rows_per_s_all_runs"]
            print("validation", best, runs, flush=True)
        if not args.skip_throughput:
            out["throughput"] = throughput(args.rows, args.concurrency, work)
            print("throughput batch vs raw", out["throughput"], flush=True)
            out["throughput_single"] = throughput_single(args.rows, args.concurrency, work)
            print("throughput single vs raw", out["throughput_single"], flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), "utf-8")


if __name__ == "__main__":
    main()
