"""Plate labels for the page and the POS: rendered from the registration the outbox recorded."""

from __future__ import annotations

from typing import Any

from vehreg_sdk.outbox import OutboxItem
from vehreg_sdk.pos import Till
from vehreg_sdk.pos.host import exception_summary, owner_personal
from vehreg_sdk.pos.printing import print_label, render_label
from vehreg_sdk.privacy import masked_logger

logger = masked_logger("vehreg_pos_bridge")


class LabelError(Exception):
    def __init__(self, status: int, code: str, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.message_zh = status, code, message, message_zh


def _registration(item: OutboxItem) -> Any:
    registration = item.registration()
    if registration is None:
        raise LabelError(409, "label.no_plate", "No plate assigned yet", "尚未分配号牌")
    return registration


def _personal(item: OutboxItem) -> dict[str, str]:
    """The sale's owner data as queued (the bureau's registration holds it masked)."""
    return owner_personal(item.payload.get("owner") or {})


def png_for_item(till: Till, item: OutboxItem) -> bytes:
    """The label as a PNG, for the page to show and the browser to print."""
    registration = _registration(item)
    try:
        return render_label(registration, till.store(item.store_id), format="png")
    except Exception as exc:
        # The type and a masked summary, never the raw text or a traceback: it may quote
        # the registration, and a name or an address cannot be recognised by a pattern.
        summary = exception_summary(exc, _personal(item))
        logger.error("bridge: label rendering failed for %s: %s", item.local_id, summary)
        raise LabelError(
            500, "label.render_failed", f"Label rendering failed: {summary}", "标签生成失败"
        ) from exc


def print_for_item(till: Till, item: OutboxItem) -> dict[str, Any]:
    """Send the label to the printer the plugins choose; none chosen: the page prints it."""
    registration = _registration(item)
    store = till.store(item.store_id)
    choice = till.host.select_printer(store)
    if choice is None:
        return {"printed": False, "printer": None}
    try:
        print_label(registration, store, choice)
    except Exception as exc:
        summary = exception_summary(exc, _personal(item))
        logger.warning(
            "bridge: printing %s on %s failed: %s", item.local_id, choice.target, summary
        )
        raise LabelError(
            502,
            "label.printer_unreachable",
            f"The printer {choice.target} did not take the label: {summary}",
            f"打印机 {choice.target} 无法打印，可稍后重新打印（销售已保存）",
        ) from exc
    return {"printed": True, "printer": choice.target}
