"""Serial printers (``serial:COM3?baud=9600``, ``serial:/dev/ttyUSB0``), through pyserial.

Receipt printers and older label printers hang off an RS-232 port or a USB-to-serial
adapter that Windows shows as ``COMn``. Ports from ``COM10`` up are only reachable as
``\\\\.\\COM10`` on Windows; pyserial adds that prefix itself, and a printer string may
give it too. The line settings default to 9600 8N1 without flow control, what most
printers ship with; the printer's self-test page shows its own.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from urllib.parse import parse_qs

from ._errors import PrinterUnavailableError

_PARITIES = {"n": "N", "none": "N", "e": "E", "even": "E", "o": "O", "odd": "O"}
_TRUE = {"1", "true", "yes", "on"}


def _pyserial() -> ModuleType:
    try:
        return importlib.import_module("serial")
    except ImportError as exc:
        raise PrinterUnavailableError(
            "serial",
            'serial printers need pyserial (pip install "vehreg-sdk[labels]")',
            reason_zh='串口打印机需要 pyserial（pip install "vehreg-sdk[labels]"）',
        ) from exc


@dataclass(frozen=True, slots=True)
class SerialTransport:
    """One job written to a serial port; ``timeout`` bounds the write (a printer that is off
    and holds CTS low under hardware flow control would otherwise block for ever)."""

    port: str
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1
    rtscts: bool = False
    xonxoff: bool = False
    timeout: float = 5.0

    def describe(self) -> str:
        return f"serial:{self.port}?baud={self.baudrate}"

    def send(self, data: bytes) -> None:
        pyserial = _pyserial()
        try:
            # serial_for_url takes plain ports and pyserial's URLs (socket://, rfc2217://) alike.
            with pyserial.serial_for_url(
                self.port,
                baudrate=self.baudrate,
                bytesize=self.bytesize,
                parity=self.parity,
                stopbits=self.stopbits,
                rtscts=self.rtscts,
                xonxoff=self.xonxoff,
                write_timeout=self.timeout,
            ) as port:
                written = port.write(data)
                port.flush()
        except pyserial.SerialTimeoutException as exc:
            raise PrinterUnavailableError(
                self.describe(),
                f"the port took no data within {self.timeout:g} s (printer off or offline?)",
                reason_zh=f"{self.timeout:g} 秒内串口未接收数据（打印机是否关机或脱机？）",
            ) from exc
        except (pyserial.SerialException, OSError, ValueError) as exc:
            raise PrinterUnavailableError(
                self.describe(), str(exc), reason_zh=f"无法打开或写入串口：{exc}"
            ) from exc
        if written is not None and written != len(data):
            raise PrinterUnavailableError(
                self.describe(),
                f"the port took {written} of {len(data)} bytes",
                reason_zh=f"串口只接收了 {len(data)} 字节中的 {written} 字节",
            )


def parse_serial(spec: str, *, timeout: float) -> SerialTransport:
    """``COM3?baud=9600&parity=N&stopbits=1&bytesize=8&rtscts=1`` → a :class:`SerialTransport`.

    Raises ``ValueError`` (bilingual) for a setting it cannot read."""
    port, _, query = spec.partition("?")
    port = port.strip()
    if not port:
        raise ValueError("serial: needs a port, e.g. serial:COM3?baud=9600 / 串口地址缺少端口号")
    options = {key.lower(): values[-1] for key, values in parse_qs(query).items()}
    try:
        baudrate = int(options.pop("baud", options.pop("baudrate", "9600")))
        bytesize = int(options.pop("bytesize", "8"))
        parity = _PARITIES[options.pop("parity", "N").lower()]
        stopbits = float(options.pop("stopbits", "1"))
        rtscts = options.pop("rtscts", "0").lower() in _TRUE
        xonxoff = options.pop("xonxoff", "0").lower() in _TRUE
    except (KeyError, ValueError) as exc:
        raise ValueError(
            f"unreadable serial setting in {spec!r}: {exc} / 串口参数无法识别：{spec!r}"
        ) from exc
    if options:
        raise ValueError(
            f"unknown serial setting(s) {sorted(options)} in {spec!r}; use baud, bytesize, "
            f"parity, stopbits, rtscts, xonxoff / 未知的串口参数 {sorted(options)}"
        )
    return SerialTransport(port, baudrate, bytesize, parity, stopbits, rtscts, xonxoff, timeout)
