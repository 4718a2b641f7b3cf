"""Printer transports: how rendered bytes reach a printer. The only I/O of ``labels``.

A printer is named by a URI:

* ``tcp://HOST[:9100]`` -- raw TCP / JetDirect, what network label printers listen on;
* ``file:PATH`` -- write the job to a file (or a Windows share / CUPS raw queue via a file);
* ``dev:/dev/usb/lp0`` -- a device node (USB or parallel printer on Linux, ``dev:COM3`` or
  ``dev:LPT1`` on Windows); a bare ``/dev/...`` path means the same;
* ``stdout`` -- the job on standard output, to pipe into ``lp -o raw`` or ``nc``.

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
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

from ._errors import PrinterUnavailableError

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


def open_printer(uri: str, *, timeout: float = DEFAULT_TIMEOUT) -> Transport:
    """The transport for a printer URI (see the module docstring). Raises ``ValueError``
    (bilingual) for a URI it does not understand."""
    text = uri.strip()
    if text in {"stdout", "-"}:
        return StreamTransport(timeout=timeout)
    if text.startswith("file:"):
        return FileTransport(Path(text.removeprefix("file:").removeprefix("//")), timeout=timeout)
    if text.startswith("dev:"):
        return DeviceTransport(text.removeprefix("dev:"), timeout=timeout)
    if text.startswith("/dev/"):  # a bare device node, as printer settings often give it
        return DeviceTransport(text, timeout=timeout)
    if text.startswith("tcp://"):
        parts = urlsplit(text)
        if parts.hostname:
            return TcpTransport(parts.hostname, parts.port or RAW_PORT, timeout=timeout)
    raise ValueError(
        f"unknown printer {uri!r}; use tcp://HOST:9100, file:PATH, dev:/dev/usb/lp0 or stdout "
        f"/ 无法识别的打印机地址 {uri!r}"
    )


def send(uri: str, data: bytes, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Send one job to the printer at ``uri``."""
    open_printer(uri, timeout=timeout).send(data)
