"""Client benchmarks (issue 3): per-call overhead, import time, construction, async throughput.

Run: ``python bench/bench_client.py [--calls 1000] [--async-calls 2000] [--json out.json]``

The sandbox runs in a separate process on a loopback port, so the bureau's own work does
not share the benchmark's interpreter lock. Every ratio compares the client with raw
httpx doing the same signed request in the same run:

* per-call: ``client.ebike_registrations.retrieve(id)`` vs ``httpx.Client.get`` with the
  five signature headers made by ``_signing.signature_headers`` and ``response.json()``;
  target ≤ 1.3 (interleaved rounds, median of per-round means).
* import: ``python -c "import vehreg_sdk"`` vs ``python -c "import httpx"``; target ≤ 1.6.
* construction: ``VehregClient(...)`` with explicit credentials; target < 5 ms.
* async: 2,000 retrieves at concurrency 50 vs raw ``httpx.AsyncClient``; target ≥ 0.85.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from vehreg_sdk import AsyncVehregClient, VehregClient
from vehreg_sdk._signing import signature_headers

# The sandbox app under uvicorn in its own process. The listening socket is made with
# IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted connections; without it, Nagle's
# algorithm holds each response body ~40 ms behind its headers and every figure below
# would measure that stall instead of the client.
SERVER = """
import socket, sys, threading, time, uvicorn
from vehreg_sdk.sandbox import create_app
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.bind(("127.0.0.1", 0))
config = uvicorn.Config(create_app(review_delay=0), log_level="warning", access_log=False,
                        loop="asyncio", ws="none")
server = uvicorn.Server(config)
thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
thread.start()
while not server.started:
    time.sleep(0.01)
print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
sys.stdin.read()
server.should_exit = True
thread.join(10)
"""


@contextmanager
def sandbox_process() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdout is not None and proc.stdin is not None
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def _dealer() -> Any:
    from vehreg_sdk.sandbox import DEMO_DEALERS

    return DEMO_DEALERS[0]


def _make_registration(base_url: str) -> str:
    from vehreg_sdk.sandbox import seed

    dealer = _dealer()
    (code,) = seed.sellable_vehicle_codes(1, start=5000)
    body = seed.demo_registration_body(code, dealer.store_ids[0], index=7)
    with VehregClient(base_url=base_url, app_key=dealer.app_key, app_secret=dealer.app_secret) as c:
        certificate = c.certificates.retrieve(code)
        return c.ebike_registrations.create(
            store_id=body["store_id"],
            vehicle=body["vehicle"],
            owner=body["owner"],
            sale=body["sale"],
            certificate=certificate,
        ).id


def _raw_headers(dealer: Any, path: str) -> dict[str, str]:
    return signature_headers(
        app_key=dealer.app_key,
        secret=dealer.app_secret,
        method="GET",
        path=path,
        query="",
        body=b"",
        timestamp=int(time.time()),
    )


def _canned_transport(base_url: str, registration_id: str) -> tuple[bytes, dict[str, str]]:
    """The sandbox's real response to the retrieve, to replay with no network at all."""
    dealer = _dealer()
    path = f"/v1/ebike-registrations/{registration_id}"
    with httpx.Client(base_url=base_url) as raw:
        response = raw.get(path, headers=_raw_headers(dealer, path))
        response.raise_for_status()
        return response.content, {
            "content-type": "application/json",
            "x-request-id": response.headers["x-request-id"],
        }


def _mock(content: bytes, headers: dict[str, str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=content, headers=headers)

    return httpx.MockTransport(handler)


def bench_per_call(
    base_url: str,
    registration_id: str,
    calls: int,
    rounds: int,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    dealer = _dealer()
    path = f"/v1/ebike-registrations/{registration_id}"
    raw = httpx.Client(base_url=base_url, transport=transport)
    client = VehregClient(
        base_url=base_url,
        app_key=dealer.app_key,
        app_secret=dealer.app_secret,
        http_client=httpx.Client(transport=transport) if transport else None,
    )

    def run_raw() -> None:
        response = raw.get(path, headers=_raw_headers(dealer, path))
        response.raise_for_status()
        response.json()

    def run_client() -> None:
        client.ebike_registrations.retrieve(registration_id)

    for fn in (run_raw, run_client):  # warm up: connections, imports, caches
        for _ in range(50):
            fn()
    raw_means: list[float] = []
    client_means: list[float] = []
    per_round = max(calls // rounds, 1)
    for _ in range(rounds):
        for fn, sink in ((run_raw, raw_means), (run_client, client_means)):
            start = time.perf_counter()
            for _ in range(per_round):
                fn()
            sink.append((time.perf_counter() - start) / per_round)
    raw.close()
    client.close()
    raw_us = statistics.median(raw_means) * 1e6
    client_us = statistics.median(client_means) * 1e6
    return {"raw_us": raw_us, "client_us": client_us, "ratio": client_us / raw_us}


def _time_command(code: str, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_import(repeat: int) -> dict[str, Any]:
    base = _time_command("pass", repeat)
    httpx_s = _time_command("import httpx", repeat)
    sdk_s = _time_command("import vehreg_sdk", repeat)
    client_s = _time_command("from vehreg_sdk import VehregClient", repeat)
    return {
        "python_ms": base * 1e3,
        "httpx_ms": httpx_s * 1e3,
        "vehreg_sdk_ms": sdk_s * 1e3,
        "vehreg_client_ms": client_s * 1e3,
        "ratio": sdk_s / httpx_s,
        "client_ratio": client_s / httpx_s,
    }


def bench_construction(n: int) -> dict[str, Any]:
    VehregClient(base_url="https://bureau.test", app_key="k", app_secret="s")  # first import
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        VehregClient(base_url="https://bureau.test", app_key="k", app_secret="s").close()
        samples.append(time.perf_counter() - start)
    return {"median_ms": statistics.median(samples) * 1e3, "max_ms": max(samples) * 1e3}


async def _gather(n: int, concurrency: int, call: Callable[[], Awaitable[Any]]) -> float:
    semaphore = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with semaphore:
            await call()

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(n)))
    return n / (time.perf_counter() - start)


async def bench_async(
    base_url: str,
    registration_id: str,
    n: int,
    concurrency: int,
    rounds: int,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    dealer = _dealer()
    path = f"/v1/ebike-registrations/{registration_id}"
    raw = httpx.AsyncClient(base_url=base_url, transport=transport)
    client = AsyncVehregClient(
        base_url=base_url,
        app_key=dealer.app_key,
        app_secret=dealer.app_secret,
        http_client=httpx.AsyncClient(transport=transport) if transport else None,
    )

    async def run_raw() -> None:
        response = await raw.get(path, headers=_raw_headers(dealer, path))
        response.raise_for_status()
        response.json()

    async def run_client() -> None:
        await client.ebike_registrations.retrieve(registration_id)

    await _gather(200, concurrency, run_raw)
    await _gather(200, concurrency, run_client)
    raw_rates: list[float] = []
    client_rates: list[float] = []
    for _ in range(rounds):
        raw_rates.append(await _gather(n, concurrency, run_raw))
        client_rates.append(await _gather(n, concurrency, run_client))
    await raw.aclose()
    await client.close()
    raw_rate, client_rate = statistics.median(raw_rates), statistics.median(client_rates)
    return {"raw_per_s": raw_rate, "client_per_s": client_rate, "ratio": client_rate / raw_rate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--async-calls", type=int, default=2000)
    parser.add_argument("--async-rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--import-repeat", type=int, default=15)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    results: dict[str, Any] = {}
    results["import"] = bench_import(args.import_repeat)
    results["construction"] = bench_construction(1000)
    with sandbox_process() as base_url:
        registration_id = _make_registration(base_url)
        results["per_call"] = bench_per_call(base_url, registration_id, args.calls, args.rounds)
        results["async"] = asyncio.run(
            bench_async(
                base_url, registration_id, args.async_calls, args.concurrency, args.async_rounds
            )
        )
        content, headers = _canned_transport(base_url, registration_id)
    # The same calls with the network taken out: what the client itself costs.
    results["per_call_no_network"] = bench_per_call(
        "http://bureau.invalid", registration_id, args.calls, args.rounds, _mock(content, headers)
    )
    results["async_no_network"] = asyncio.run(
        bench_async(
            "http://bureau.invalid",
            registration_id,
            args.async_calls,
            args.concurrency,
            args.async_rounds,
            _mock(content, headers),
        )
    )

    imp, con, per, asy = (results[k] for k in ("import", "construction", "per_call", "async"))
    lines = [
        f"per-call   raw httpx {per['raw_us']:.0f} µs, client {per['client_us']:.0f} µs, "
        f"ratio {per['ratio']:.2f} (target ≤ 1.30)",
        f"import     python {imp['python_ms']:.0f} ms, httpx {imp['httpx_ms']:.0f} ms, "
        f"vehreg_sdk {imp['vehreg_sdk_ms']:.0f} ms (ratio {imp['ratio']:.2f}, target ≤ 1.60); "
        f"VehregClient {imp['vehreg_client_ms']:.0f} ms (ratio {imp['client_ratio']:.2f})",
        f"construct  median {con['median_ms']:.3f} ms, max {con['max_ms']:.3f} ms (target < 5 ms)",
        f"async      raw {asy['raw_per_s']:.0f}/s, client {asy['client_per_s']:.0f}/s, "
        f"ratio {asy['ratio']:.2f} (target ≥ 0.85)",
    ]
    per, asy = results["per_call_no_network"], results["async_no_network"]
    lines.append(
        f"no network: per-call raw {per['raw_us']:.0f} µs, client {per['client_us']:.0f} µs, "
        f"ratio {per['ratio']:.2f}; async raw {asy['raw_per_s']:.0f}/s, client "
        f"{asy['client_per_s']:.0f}/s, ratio {asy['ratio']:.2f}"
    )
    print("\n".join(lines))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
