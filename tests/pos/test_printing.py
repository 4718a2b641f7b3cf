"""Printer choices as plugins and ``$VEHREG_PRINTER`` give them: targets, options, timeouts."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from outbox.outbox_support import FakeClient, sale_payload
from vehreg_sdk.labels import PrinterUnavailableError
from vehreg_sdk.labels.transports import (
    DeviceTransport,
    FileTransport,
    StreamTransport,
    TcpTransport,
    open_printer,
)
from vehreg_sdk.pos import PrinterChoice, hookspecs
from vehreg_sdk.pos.builtins import printer_from_url
from vehreg_sdk.pos.printing import option_flag, print_label, render_label


@pytest.fixture
def registration() -> Any:
    return FakeClient().ebike_registrations._registration(sale_payload(1))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
        ("true", True),
        ("False", False),
        ("on", True),
        ("off", False),
        ("yes", True),
        ("no", False),
        ("", False),
        (None, False),
    ],
)
def test_option_flags(value: object, expected: bool) -> None:
    assert option_flag(value) is expected


def test_an_unclear_flag_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="是/否"):
        option_flag("maybe", "raster")


def test_raster_0_in_the_printer_url_means_off(registration: Any, tmp_path: Path) -> None:
    """``bool("0")`` is True: ``?raster=0`` used to turn raster printing on."""
    native = render_label(registration, None, format="escpos")
    target = tmp_path / "label.bin"
    off = printer_from_url(f"file:{target}?format=escpos&raster=0")
    on = printer_from_url(f"file:{target}?format=escpos&raster=1")
    assert off is not None and on is not None
    assert print_label(registration, None, off) == native
    assert print_label(registration, None, on) != native
    assert target.read_bytes() == print_label(registration, None, on)


def test_every_target_the_hook_spec_advertises_opens() -> None:
    doc = hookspecs.PrinterChoice.__doc__ or ""
    for target, kind in [
        ("tcp://HOST:9100", TcpTransport),
        ("file:/path/label.png", FileTransport),
        ("dev:/dev/usb/lp0", DeviceTransport),
        ("/dev/usb/lp0", DeviceTransport),
        ("stdout", StreamTransport),
    ]:
        assert f"``{target}``" in doc, target
        assert isinstance(open_printer(target.replace("HOST", "192.0.2.7")), kind)
    assert open_printer("/dev/usb/lp0") == DeviceTransport("/dev/usb/lp0")


def test_a_bare_device_path_prints(registration: Any) -> None:
    sent = print_label(registration, None, PrinterChoice(os.devnull, format="tspl"))
    assert b"PRINT" in sent


def test_every_transport_takes_the_timeout() -> None:
    for uri in ("stdout", "file:/tmp/x.tspl", "dev:/dev/usb/lp0", "tcp://192.0.2.7"):
        assert open_printer(uri, timeout=0.7).timeout == 0.7  # type: ignore[attr-defined]


def test_a_file_write_that_hangs_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file on a network share that stops answering must not hang the till."""
    release = threading.Event()
    real_replace = os.replace

    def hanging_replace(src: Any, dst: Any) -> None:
        release.wait(5)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", hanging_replace)  # what the transport calls
    with pytest.raises(PrinterUnavailableError) as info:
        FileTransport(tmp_path / "label.tspl", timeout=0.3).send(b"PRINT 1\r\n")
    # It gave up waiting while the write still hung (the share never answered).
    assert not release.is_set() and "within 0.3 s" in info.value.reason
    assert info.value.target.startswith("file:")
    release.set()


def test_file_errors_stay_typed(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(PrinterUnavailableError):
        FileTransport(blocker / "label.tspl", timeout=2).send(b"data")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
def test_stdout_nobody_reads_times_out() -> None:
    """``vehreg ... | lp -o raw`` with ``lp`` stuck: the pipe fills and the write blocks."""
    read_end, write_end = os.pipe()
    stream = os.fdopen(write_end, "wb", buffering=0)
    try:
        with pytest.raises(PrinterUnavailableError) as info:
            StreamTransport(stream, timeout=0.3).send(b"x" * (4 << 20))
        assert "within 0.3 s" in info.value.reason  # gave up waiting on the full pipe
        assert info.value.target == "stdout"
    finally:
        os.close(read_end)  # the blocked writer gets EPIPE and its thread ends
        time.sleep(0.1)
        with contextlib.suppress(OSError):
            stream.close()


def test_stdout_still_prints(registration: Any) -> None:
    buffer = io.BytesIO()
    StreamTransport(buffer, timeout=30).send(b"^XA^XZ")
    assert buffer.getvalue() == b"^XA^XZ"
