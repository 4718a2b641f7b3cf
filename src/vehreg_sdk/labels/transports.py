r"""Printer transports: how rendered bytes reach a printer. The only I/O of ``labels``.

A printer is named by a URI:

* ``tcp://HOST[:9100]`` -- raw TCP / JetDirect, what network label printers listen on;
* ``file:PATH`` -- write the job to a file (or a Windows share / CUPS raw queue via a file);
* ``dev:/dev/usb/lp0`` -- a device node (USB or parallel printer on Linux, ``dev:COM3`` or
  ``dev:LPT1`` on Windows); a bare ``/dev/...`` path means the same;
* ``winspool:NAME`` -- a RAW job to a Windows print queue (a USB printer installed with its
  driver), after checking that the queue is not offline, paused or in error;
* ``serial:PORT?baud=9600`` -- a serial port through pyserial (``COM3``, ``COM10``,
  ``\\.\COM10``, ``/dev/ttyUSB0``);
* ``stdout`` -- the job on standard output, to pipe into ``lp -o raw`` or ``nc``.

Printer strings are read with Windows path rules wherever the code runs: a ``file:`` or
``dev:`` target that is a printer share (``\\localhost\LABEL``) or a DOS device name
(``LPT1``, ``COM3``, ``PRN``) is written straight to, never replaced through a temporary file.

Every transport has a timeout and raises :class:`PrinterUnavailableError` (bilingual)
when the printer cannot be reached or does not take the whole job in time: a device
that is off, a file on a network share that hangs, a pipe nobody reads. A write that
blocks in the operating system cannot be interrupted, so the file, device and stdout
transports write in a helper thread and give up *waiting* after ``timeout``; should the
blocked write finish later, that label is printed late (print again only after
checking). Nothing is lost: a label is always re-rendered from its registration, so
print again any time.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

from ._errors import PrinterUnavailableError
from ._serial import SerialTransport, parse_serial
from ._winspool import WinspoolTransport

__all__ = [
    "DeviceTransport",
    "FileTransport",
    "SerialTransport",
    "StreamTransport",
    "TcpTransport",
    "Transport",
    "WinspoolTransport",
    "is_direct_target",
    "open_printer",
    "send",
]

DEFAULT_TIMEOUT = 5.0
RAW_PORT = 9100


class Transport(Protocol):
    """Something that sends one print job."""

    def send(self, data: bytes) -> None: ...

    def describe(self) -> str: ...


@dataclass(frozen=True, slots=True)
class TcpTransport:
    """Raw TCP (port 9100). ``timeout`` bounds the connect and every send."""

    host: str
    port: int = RAW_PORT
    timeout: float = DEFAULT_TIMEOUT

    def describe(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def send(self, data: bytes) -> None:
        deadline = time.monotonic() + self.timeout
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as conn:
                conn.settimeout(max(0.01, deadline - time.monotonic()))
                conn.sendall(data)
                # Half-close, so the printer sees the end of the job, then wait briefly for it
                # to close its side: closing at once can reset unsent data on some stacks.
                conn.shutdown(socket.SHUT_WR)
                conn.settimeout(max(0.01, min(1.0, deadline - time.monotonic())))
                try:
                    while conn.recv(4096):
                        pass
                except (TimeoutError, OSError):
                    pass
        except TimeoutError as exc:
            raise PrinterUnavailableError(
                self.describe(), f"timed out after {self.timeout:g} s"
            ) from exc
        except OSError as exc:
            raise PrinterUnavailableError(self.describe(), exc.strerror or str(exc)) from exc


def _within(target: str, timeout: float, work: Callable[[], None]) -> None:
    """Run a blocking write in a helper thread; raise :class:`PrinterUnavailableError` when it
    fails, or when it has not finished after ``timeout`` seconds (the thread is left to end
    by itself: a write blocked in the kernel cannot be cancelled)."""
    error: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the caller's thread
            error.append(exc)

    worker = threading.Thread(target=run, name="vehreg-label-write", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise PrinterUnavailableError(target, f"no progress within {timeout:g} s")
    if error:
        exc = error[0]
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise PrinterUnavailableError(target, reason or type(exc).__name__) from exc


@dataclass(frozen=True, slots=True)
class FileTransport:
    """Write the job to a file (replaced atomically, so a half-written job never exists).

    ``timeout`` bounds the wait for the write (a network share that hangs)."""

    path: Path
    timeout: float = DEFAULT_TIMEOUT

    def describe(self) -> str:
        return f"file:{self.path}"

    def send(self, data: bytes) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")

        def write() -> None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp.write_bytes(data)
                os.replace(tmp, self.path)
            except OSError:
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
                raise

        _within(self.describe(), self.timeout, write)


@dataclass(frozen=True, slots=True)
class DeviceTransport:
    """A printer device node (``/dev/usb/lp0``, ``COM3``). A write that blocks longer than
    ``timeout`` (printer off, out of paper) raises instead of hanging the till."""

    path: str
    timeout: float = DEFAULT_TIMEOUT

    def describe(self) -> str:
        return f"dev:{self.path}"

    def send(self, data: bytes) -> None:
        def write() -> None:
            with open(self.path, "wb", buffering=0) as device:
                view = memoryview(data)
                while view:
                    written = device.write(view)
                    if not written:
                        raise OSError("the device accepted no data")
                    view = view[written:]

        _within(self.describe(), self.timeout, write)


@dataclass(frozen=True, slots=True)
class StreamTransport:
    """Standard output (or any binary stream). ``timeout`` bounds the wait for a pipe
    whose reader (``lp``, ``nc``) stopped reading."""

    stream: BinaryIO | None = None
    timeout: float = DEFAULT_TIMEOUT

    def describe(self) -> str:
        return "stdout"

    def send(self, data: bytes) -> None:
        stream = self.stream if self.stream is not None else sys.stdout.buffer

        def write() -> None:
            stream.write(data)
            stream.flush()

        _within(self.describe(), self.timeout, write)


_DOS_DEVICE = re.compile(r"(?i)(?:\\\\\.\\)?(?:PRN|AUX|LPT[1-9]|COM[1-9][0-9]*)(?::)?")


def is_direct_target(path: str) -> bool:
    """True for a target written straight to rather than as a file: a Windows printer share
    (``\\\\host\\queue``, nothing below the share) or a DOS device (``LPT1``, ``COM3``,
    ``\\\\.\\COM10``). Judged with Windows path rules on every OS."""
    if _DOS_DEVICE.fullmatch(path.strip()):
        return True
    windows = PureWindowsPath(path)
    is_unc = windows.drive.startswith("\\\\") and not windows.drive.startswith("\\\\?")
    return is_unc and windows.root in {"", "\\"} and len(windows.parts) <= 1


def open_printer(uri: str, *, timeout: float = DEFAULT_TIMEOUT) -> Transport:
    """The transport for a printer string (see the module docstring). Raises ``ValueError``
    (bilingual) for a string it does not understand."""
    text = uri.strip()
    scheme, colon, rest = text.partition(":")
    scheme = scheme.lower() if colon else ""
    if text in {"stdout", "-"}:
        return StreamTransport(timeout=timeout)
    if scheme == "winspool" and rest.strip():
        return WinspoolTransport(rest.strip())
    if scheme == "serial":
        return parse_serial(rest, timeout=timeout)
    if scheme == "file":
        target = rest[2:] if rest.startswith("//") and not rest.startswith("///") else rest
        if is_direct_target(target):
            return DeviceTransport(target, timeout=timeout)
        return FileTransport(Path(target), timeout=timeout)
    if scheme == "dev" and rest.strip():
        return DeviceTransport(rest.strip(), timeout=timeout)
    if text.startswith("/dev/"):  # a bare device node, as printer settings often give it
        return DeviceTransport(text, timeout=timeout)
    if scheme == "tcp":
        parts = urlsplit(text)
        if parts.hostname:
            return TcpTransport(parts.hostname, parts.port or RAW_PORT, timeout=timeout)
    raise ValueError(
        f"unknown printer {uri!r}; use tcp://HOST:9100, winspool:NAME, serial:COM3?baud=9600, "
        f"file:PATH, dev:/dev/usb/lp0 or stdout / 无法识别的打印机地址 {uri!r}，可用 "
        "tcp://IP:9100、winspool:打印机名、serial:COM3?baud=9600、file:路径、dev:设备 或 stdout"
    )


def send(uri: str, data: bytes, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Send one job to the printer at ``uri``."""
    open_printer(uri, timeout=timeout).send(data)
