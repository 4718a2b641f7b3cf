"""Printer transports: a fake printer on loopback gets exactly the rendered bytes; an
unreachable or stuck printer gives a typed, bilingual error within the timeout."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vehreg_sdk.labels import PlateLabel, PrinterUnavailableError, print_label, render
from vehreg_sdk.labels.transports import (
    DeviceTransport,
    FileTransport,
    StreamTransport,
    TcpTransport,
    open_printer,
)


class FakePrinter:
    """A raw-TCP (JetDirect) printer on 127.0.0.1 that records each job until EOF."""

    def __init__(self, port: int = 0) -> None:
        self.server = socket.create_server(("127.0.0.1", port))
        self.port = self.server.getsockname()[1]
        self.jobs: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
                self.jobs.append(b"".join(chunks))

    def close(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone would leave the
        # listening socket alive on Linux until accept() returns.
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        self._thread.join(2)


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    # Port 9100 when it is free (as a real printer), any free port otherwise.
    try:
        fake = FakePrinter(9100)
    except OSError:
        fake = FakePrinter(0)
    yield fake
    fake.close()


def _wait_for_jobs(printer: FakePrinter, count: int) -> None:
    deadline = time.monotonic() + 60  # returns at the event; the bound only guards a hang
    while len(printer.jobs) < count and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize("fmt", ["tspl", "zpl", "escpos"])
def test_fake_printer_receives_exactly_the_rendered_bytes(
    printer: FakePrinter, label: PlateLabel, fmt: str
) -> None:
    sent = print_label(label, f"tcp://127.0.0.1:{printer.port}", format=fmt, timeout=30)
    _wait_for_jobs(printer, 1)
    assert printer.jobs == [sent] == [render(label, fmt)]


def test_a_big_raster_job_arrives_whole(printer: FakePrinter, label: PlateLabel) -> None:
    sent = print_label(
        label,
        f"tcp://127.0.0.1:{printer.port}",
        format="escpos",
        raster=True,
        size="60x40",
        dpi=300,
    )
    _wait_for_jobs(printer, 1)
    assert printer.jobs == [sent] and len(sent) > 20_000


def test_refused_connection_is_a_typed_error_at_once(label: PlateLabel) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    with pytest.raises(PrinterUnavailableError) as info:
        print_label(label, f"tcp://127.0.0.1:{port}", timeout=30)
    # Refused, not waited out: the reason is the refusal, whatever the machine's load.
    # (How soon it fails is measured in bench/bench_transports.py.)
    assert "timed out" not in info.value.reason
    assert info.value.target == f"tcp://127.0.0.1:{port}"
    assert "reprint" in info.value.message and "重新打印" in info.value.message_zh


def test_a_printer_that_stops_reading_times_out(label: PlateLabel) -> None:
    """Accepts the connection, never reads: the send blocks once the buffers are full."""
    server = socket.create_server(("127.0.0.1", 0))
    server.listen(1)
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True).start()
    transport = TcpTransport("127.0.0.1", server.getsockname()[1], timeout=0.5)
    try:
        with pytest.raises(PrinterUnavailableError) as info:
            transport.send(b"\0" * (64 * 1024 * 1024))
        # It gave up because of its timeout (the printer never read a byte).
        assert "timed out after 0.5 s" in info.value.reason
    finally:
        for conn in accepted:
            conn.close()
        server.close()


def test_file_transport(tmp_path: Path, label: PlateLabel) -> None:
    target = tmp_path / "out" / "label.tspl"
    sent = print_label(label, f"file:{target}")
    assert target.read_bytes() == sent
    assert sorted(p.name for p in target.parent.iterdir()) == ["label.tspl"]


def test_file_transport_error_is_typed(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(PrinterUnavailableError):
        FileTransport(blocker / "label.tspl").send(b"data")


def test_stdout_transport() -> None:
    stream = io.BytesIO()
    StreamTransport(stream).send(b"^XA^XZ")
    assert stream.getvalue() == b"^XA^XZ"
    assert isinstance(open_printer("stdout"), StreamTransport)


def test_device_transport_writes_to_the_node(tmp_path: Path) -> None:
    node = tmp_path / "lp0"
    node.write_bytes(b"")
    transport = open_printer(f"dev:{node}")
    assert isinstance(transport, DeviceTransport)
    transport.send(b"SIZE 50 mm,30 mm\r\n")
    assert node.read_bytes() == b"SIZE 50 mm,30 mm\r\n"


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes are POSIX")
def test_a_device_nobody_reads_times_out(tmp_path: Path) -> None:
    """A FIFO with no reader blocks like a printer that is switched off."""
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    with pytest.raises(PrinterUnavailableError) as info:
        DeviceTransport(str(fifo), timeout=0.3).send(b"PRINT 1\r\n")
    assert "within 0.3 s" in info.value.reason  # gave up waiting: no reader ever came
    assert info.value.target == f"dev:{fifo}"
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # release the blocked writer thread
    time.sleep(0.2)
    os.close(reader)


def test_missing_device_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(PrinterUnavailableError):
        DeviceTransport(str(tmp_path / "nope" / "lp0"), timeout=1).send(b"x")


@pytest.mark.parametrize("uri", ["lpt1", "http://printer", "tcp://", ""])
def test_unknown_printer_uri(uri: str) -> None:
    with pytest.raises(ValueError, match="无法识别"):
        open_printer(uri)


def test_tcp_uri_defaults_to_port_9100() -> None:
    transport = open_printer("tcp://192.0.2.7", timeout=3)
    assert transport == TcpTransport("192.0.2.7", 9100, timeout=3)
