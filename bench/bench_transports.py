"""Benchmark: how soon a printer transport gives up, against the timeout it was given.

The tests check *why* a transport gave up (refused, timed out, no reader); how
*soon* is measured here, where a loaded machine only moves the figures. Each
case runs ``--repeat`` times and reports the median seconds and the ratio to
the configured timeout. Targets: a refused connection fails in under a tenth
of the timeout (it is not waited out); a printer that stops reading, a device
nobody reads and a pipe nobody drains give up within 1.5 x the timeout.

    python bench/bench_transports.py [--timeout 0.5] [--repeat 5]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from vehreg_sdk.labels import PrinterUnavailableError
from vehreg_sdk.labels.transports import DeviceTransport, StreamTransport, TcpTransport


def _seconds(send: Callable[[], None]) -> float:
    started = time.perf_counter()
    with contextlib.suppress(PrinterUnavailableError):
        send()
    return time.perf_counter() - started


def refused(timeout: float) -> float:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return _seconds(lambda: TcpTransport("127.0.0.1", port, timeout=timeout).send(b"x"))


def stalled_printer(timeout: float) -> float:
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True).start()
    try:
        port = server.getsockname()[1]
        transport = TcpTransport("127.0.0.1", port, timeout=timeout)
        return _seconds(lambda: transport.send(b"\0" * (64 << 20)))
    finally:
        for conn in accepted:
            conn.close()
        server.close()


def unread_device(timeout: float) -> float:
    with tempfile.TemporaryDirectory() as folder:
        fifo = Path(folder) / "lp0"
        os.mkfifo(fifo)
        took = _seconds(lambda: DeviceTransport(str(fifo), timeout=timeout).send(b"PRINT 1\r\n"))
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # release the blocked writer
        time.sleep(0.1)
        os.close(reader)
        return took


def full_pipe(timeout: float) -> float:
    read_end, write_end = os.pipe()
    stream = os.fdopen(write_end, "wb", buffering=0)
    try:
        return _seconds(lambda: StreamTransport(stream, timeout=timeout).send(b"x" * (4 << 20)))
    finally:
        os.close(read_end)
        time.sleep(0.1)
        with contextlib.suppress(OSError):
            stream.close()


CASES: dict[str, tuple[Callable[[float], float], float]] = {
    "refused connection": (refused, 0.1),
    "printer stops reading": (stalled_printer, 1.5),
    "device nobody reads": (unread_device, 1.5),
    "pipe nobody drains": (full_pipe, 1.5),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=0.5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'case':<24} {'median s':>9} {'x timeout':>10}  target")
    for name, (case, target) in CASES.items():
        if sys.platform == "win32" and case in (unread_device, full_pipe):
            continue
        median = statistics.median(case(args.timeout) for _ in range(args.repeat))
        ratio = median / args.timeout
        verdict = "ok" if ratio <= target else "MISSED"
        print(f"{name:<24} {median:>9.3f} {ratio:>9.2f}x  <= {target:g}x {verdict}")


if __name__ == "__main__":
    main()
