"""The Windows print spooler as a printer transport (``winspool:<printer name>``).

A USB label printer on Windows is installed through the vendor's driver and shows up as
a spooler queue. A RAW job sent to that queue reaches the printer unchanged (the
driver's rendering is bypassed), which is what TSPL, ZPL and ESC/POS need.

The spooler happily queues a job for a printer that is switched off, paused or out of
paper, so the transport reads the queue's state first and refuses with
:class:`PrinterUnavailableError` rather than leaving a label stuck in a queue nobody
watches. ``win32print`` (pywin32) is imported only when a job is sent, and only on
Windows; tests inject a stand-in module.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ._errors import PrinterUnavailableError

# PRINTER_INFO_2.Status flags (winspool.h) that mean a job would not print now,
# with the reason a clerk can act on, in both languages.
_BLOCKING_STATUS: tuple[tuple[int, str, str], ...] = (
    (0x00000080, "the printer is offline", "打印机处于脱机状态"),
    (0x00000001, "the print queue is paused", "打印队列已暂停"),
    (0x00000002, "the printer reports an error", "打印机报告错误"),
    (0x00000008, "paper jam", "卡纸"),
    (0x00000010, "out of paper", "缺纸"),
    (0x00000040, "paper problem", "纸张故障"),
    (0x00000400, "the printer's cover is open", "打印机盖未关闭"),
    (0x00001000, "the printer is not available", "打印机不可用"),
    (0x00100000, "the printer needs attention", "打印机需要人工处理"),
    (0x00400000, "the printer's door is open", "打印机舱门未关闭"),
    (0x00200000, "out of memory", "打印机内存不足"),
)
_ATTRIBUTE_WORK_OFFLINE = 0x00000400  # "Use printer offline" ticked in the queue's menu


def _win32print() -> ModuleType:
    try:
        return importlib.import_module("win32print")
    except ImportError as exc:
        raise PrinterUnavailableError(
            "winspool",
            'the Windows spooler needs pywin32 (pip install "vehreg-sdk[labels]" on Windows)',
            reason_zh="使用 Windows 打印队列需要 pywin32"
            '（在 Windows 上执行 pip install "vehreg-sdk[labels]"）',
        ) from exc


def queue_problem(info: dict[str, Any]) -> tuple[str, str] | None:
    """Why a queue with this ``PRINTER_INFO_2`` would not print now, or ``None``."""
    if int(info.get("Attributes") or 0) & _ATTRIBUTE_WORK_OFFLINE:
        return "the queue is set to use the printer offline", "打印队列被设置为脱机使用打印机"
    status = int(info.get("Status") or 0)
    for flag, reason, reason_zh in _BLOCKING_STATUS:
        if status & flag:
            return reason, reason_zh
    return None


@dataclass(frozen=True, slots=True)
class WinspoolTransport:
    """A RAW job to a Windows printer queue, by its name as Windows shows it."""

    printer_name: str
    document_name: str = "vehreg label"

    def describe(self) -> str:
        return f"winspool:{self.printer_name}"

    def send(self, data: bytes) -> None:
        spooler = _win32print()
        try:
            handle = spooler.OpenPrinter(self.printer_name)
        except Exception as exc:  # pywintypes.error: no such queue, access denied
            raise PrinterUnavailableError(
                self.describe(),
                f"Windows has no printer queue named {self.printer_name!r} ({exc})",
                reason_zh=f"Windows 中没有名为 {self.printer_name!r} 的打印队列（{exc}）",
            ) from exc
        try:
            problem = queue_problem(spooler.GetPrinter(handle, 2))
            if problem is not None:
                raise PrinterUnavailableError(self.describe(), problem[0], reason_zh=problem[1])
            spooler.StartDocPrinter(handle, 1, (self.document_name, None, "RAW"))
            try:
                spooler.StartPagePrinter(handle)
                written = spooler.WritePrinter(handle, data)
                spooler.EndPagePrinter(handle)
            finally:
                spooler.EndDocPrinter(handle)
            if written != len(data):
                raise PrinterUnavailableError(
                    self.describe(),
                    f"the spooler took {written} of {len(data)} bytes",
                    reason_zh=f"打印队列只接收了 {len(data)} 字节中的 {written} 字节",
                )
        except PrinterUnavailableError:
            raise
        except Exception as exc:  # pywintypes.error from the spooler
            raise PrinterUnavailableError(
                self.describe(), str(exc), reason_zh=f"打印队列出错：{exc}"
            ) from exc
        finally:
            spooler.ClosePrinter(handle)
