"""Windows printer strings and transports, tested on any OS: the spooler through a stand-in
``win32print`` that records the RAW job, serial ports through pyserial for real (a socket
port everywhere, a pseudo-terminal on POSIX), printer strings read with Windows path rules."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import PureWindowsPath
from typing import Any

import pytest

from vehreg_sdk.labels import PrinterUnavailableError
from vehreg_sdk.labels.transports import (
    DeviceTransport,
    FileTransport,
    SerialTransport,
    WinspoolTransport,
    is_direct_target,
    open_printer,
)

JOB = b'SIZE 50 mm,30 mm\r\nCLS\r\nTEXT 10,10,"3",0,1,1,"\xcb\xd5G"\r\nPRINT 1\r\n'


class FakeSpooler(types.ModuleType):
    """The part of pywin32's ``win32print`` the transport uses, recording every call."""

    def __init__(self, *, status: int = 0, attributes: int = 0, fail_write: bool = False,
                 queues: tuple[str, ...] = ("TSC TTP-244 Pro",)) -> None:  # fmt: skip
        super().__init__("win32print")
        self.status, self.attributes, self.fail_write, self.queues = (
            status, attributes, fail_write, queues
        )  # fmt: skip
        self.calls: list[str] = []
        self.jobs: list[tuple[tuple[Any, ...], bytes]] = []
        self.open_handles = 0
        self._doc: tuple[Any, ...] = ()

    def OpenPrinter(self, name: str) -> str:
        self.calls.append("open")
        if name not in self.queues:
            raise OSError(1801, "OpenPrinter", "The printer name is invalid.")
        self.open_handles += 1
        return f"h:{name}"

    def GetPrinter(self, handle: str, level: int) -> dict[str, Any]:
        assert level == 2
        return {"pPrinterName": handle[2:], "Status": self.status, "Attributes": self.attributes}

    def StartDocPrinter(self, handle: str, level: int, doc: tuple[Any, ...]) -> int:
        self.calls.append("startdoc")
        self._doc = doc
        return 7

    def StartPagePrinter(self, handle: str) -> None:
        self.calls.append("startpage")

    def WritePrinter(self, handle: str, data: bytes) -> int:
        if self.fail_write:
            raise OSError(6, "WritePrinter", "The handle is invalid.")
        self.jobs.append((self._doc, bytes(data)))
        return len(data)

    def EndPagePrinter(self, handle: str) -> None:
        self.calls.append("endpage")

    def EndDocPrinter(self, handle: str) -> None:
        self.calls.append("enddoc")

    def ClosePrinter(self, handle: str) -> None:
        self.calls.append("close")
        self.open_handles -= 1


def install(monkeypatch: pytest.MonkeyPatch, spooler: FakeSpooler) -> FakeSpooler:
    monkeypatch.setitem(sys.modules, "win32print", spooler)
    return spooler


def test_winspool_sends_the_job_raw_and_closes_the_printer(monkeypatch: pytest.MonkeyPatch) -> None:
    spooler = install(monkeypatch, FakeSpooler())
    transport = open_printer("winspool:TSC TTP-244 Pro")
    assert isinstance(transport, WinspoolTransport)
    transport.send(JOB)
    assert spooler.jobs == [(("vehreg label", None, "RAW"), JOB)]
    assert spooler.calls == ["open", "startdoc", "startpage", "endpage", "enddoc", "close"]
    assert spooler.open_handles == 0


@pytest.mark.parametrize(
    ("status", "attributes", "english", "chinese"),
    [
        (0x80, 0, "offline", "脱机"),
        (0x1, 0, "paused", "暂停"),
        (0x2, 0, "error", "错误"),
        (0x10, 0, "out of paper", "缺纸"),
        (0, 0x400, "offline", "脱机"),
    ],
)
def test_winspool_refuses_a_queue_that_would_not_print(
    monkeypatch: pytest.MonkeyPatch, status: int, attributes: int, english: str, chinese: str
) -> None:
    spooler = install(monkeypatch, FakeSpooler(status=status, attributes=attributes))
    with pytest.raises(PrinterUnavailableError) as caught:
        open_printer("winspool:TSC TTP-244 Pro").send(JOB)
    assert english in caught.value.message and chinese in caught.value.message_zh
    assert spooler.jobs == [] and "startdoc" not in spooler.calls
    assert spooler.open_handles == 0  # closed on the error path too


def test_winspool_closes_the_printer_when_the_write_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    spooler = install(monkeypatch, FakeSpooler(fail_write=True))
    with pytest.raises(PrinterUnavailableError):
        open_printer("winspool:TSC TTP-244 Pro").send(JOB)
    assert spooler.calls[-2:] == ["enddoc", "close"] and spooler.open_handles == 0


def test_winspool_unknown_queue_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, FakeSpooler())
    with pytest.raises(PrinterUnavailableError) as caught:
        open_printer("winspool:ZDesigner GK888t").send(JOB)
    assert "ZDesigner GK888t" in caught.value.message
    assert "打印队列" in caught.value.message_zh


def test_winspool_without_pywin32_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "win32print", None)  # import raises ImportError
    with pytest.raises(PrinterUnavailableError) as caught:
        open_printer("winspool:TSC").send(JOB)
    assert "pywin32" in caught.value.message and "pywin32" in caught.value.message_zh


@pytest.mark.parametrize(
    ("printer", "kind", "target"),
    [
        (r"file:\\localhost\LABEL", DeviceTransport, r"\\localhost\LABEL"),
        (r"dev:\\localhost\LABEL", DeviceTransport, r"\\localhost\LABEL"),
        (r"file:\\SHOP-PC\ZDesigner", DeviceTransport, r"\\SHOP-PC\ZDesigner"),
        ("file:LPT1", DeviceTransport, "LPT1"),
        (r"file:\\.\COM10", DeviceTransport, r"\\.\COM10"),
        (r"file:\\server\share\jobs\label.prn", FileTransport, r"\\server\share\jobs\label.prn"),
        (r"file:C:\vehreg\标签\label.prn", FileTransport, r"C:\vehreg\标签\label.prn"),
    ],
)
def test_printer_strings_follow_windows_path_rules(printer: str, kind: type, target: str) -> None:
    transport = open_printer(printer)
    assert isinstance(transport, kind)
    got = transport.path if isinstance(transport, DeviceTransport) else str(transport.path)
    assert PureWindowsPath(got) == PureWindowsPath(target)


def test_direct_targets() -> None:
    assert is_direct_target(r"\\localhost\LABEL")
    assert is_direct_target(r"\\localhost\LABEL" + "\\")
    assert is_direct_target("com3") and is_direct_target("PRN")
    assert not is_direct_target(r"\\server\share\a.prn")
    assert not is_direct_target(r"C:\LPT1.txt")
    assert not is_direct_target("/tmp/label.prn")


@pytest.mark.parametrize(
    ("printer", "expected"),
    [
        ("serial:COM3", SerialTransport("COM3")),
        ("serial:COM10?baud=115200", SerialTransport("COM10", baudrate=115200)),
        (r"serial:\\.\COM12?baud=19200&parity=even&stopbits=2&rtscts=1",
         SerialTransport(r"\\.\COM12", 19200, 8, "E", 2, True)),
        ("serial:/dev/ttyUSB0?xonxoff=yes", SerialTransport("/dev/ttyUSB0", xonxoff=True)),
    ],
)  # fmt: skip
def test_serial_strings(printer: str, expected: SerialTransport) -> None:
    assert open_printer(printer) == expected


@pytest.mark.parametrize("printer", ["serial:", "serial:COM3?baud=fast", "serial:COM3?speed=9600",
                                     "serial:COM3?parity=Q", "winspool:", "lpt"])  # fmt: skip
def test_bad_printer_strings_are_bilingual_value_errors(printer: str) -> None:
    with pytest.raises(ValueError, match="/") as caught:
        open_printer(printer)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(caught.value))


@contextlib.contextmanager
def socket_port() -> Iterator[tuple[str, list[bytes]]]:
    """A TCP listener pyserial reaches as ``socket://``: a serial port on every OS."""
    server = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve() -> None:
        with contextlib.suppress(OSError):
            conn, _ = server.accept()
            with conn:
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
                received.append(b"".join(chunks))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"socket://127.0.0.1:{server.getsockname()[1]}", received
        thread.join(5)
    finally:
        server.close()


def test_serial_port_gets_the_whole_job() -> None:
    with socket_port() as (url, received):
        open_printer(f"serial:{url}?baud=9600").send(JOB)
    assert received == [JOB]


@pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX pseudo-terminal; Windows uses the socket port"
)
def test_serial_pseudo_terminal_gets_the_whole_job() -> None:
    import os
    import tty

    controller, device = os.openpty()
    tty.setraw(device)
    try:
        open_printer(f"serial:{os.ttyname(device)}?baud=115200").send(JOB)
        got = b""
        while len(got) < len(JOB):
            got += os.read(controller, 4096)
        assert got == JOB
    finally:
        os.close(controller)
        os.close(device)


def test_serial_port_that_cannot_open_is_unavailable() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(PrinterUnavailableError) as caught:
        open_printer(f"serial:socket://127.0.0.1:{port}").send(JOB)
    assert "串口" in caught.value.message_zh
