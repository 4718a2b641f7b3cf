"""What the hot folder writes for the POS to read: a sale's result, and a file's problems."""

from __future__ import annotations

from typing import Any

from vehreg_sdk.outbox import STATUS_TEXT, OutboxItem
from vehreg_sdk.photos import PhotoError

__all__ = ["SINGLE_SALE_KEYS", "photo_problem", "sale_result", "twice_in_file"]

#: A file of one sale also has these of its sale at the top of its result.
SINGLE_SALE_KEYS = (
    "local_id",
    "status",
    "plate_number",
    "errors",
    "review",
    "retake_kinds",
    "plate_must_be_returned",
)


def twice_in_file(code: str, first_row: int) -> dict[str, Any]:
    return {
        "field": "vehicle.vehicle_code",
        "code": "file.vehicle_twice",
        "message": f"vehicle {code} is already sold at row {first_row} of this file",
        "message_zh": f"车辆 {code} 已在本文件第 {first_row} 行出现，不能重复销售",
        "severity": "error",
    }


def sale_result(row: int, item: OutboxItem) -> dict[str, Any]:
    en, zh = STATUS_TEXT[item.status]
    review = item.review()
    return {
        "review": {"outcome": review.get("outcome"), "reasons": review.get("reasons") or []}
        if review
        else None,
        "retake_kinds": item.retake_kinds(),
        "plate_must_be_returned": item.plate_must_be_returned,
        "row": row,
        "local_id": item.local_id,
        "status": str(item.status),
        "status_text": {"en": en, "zh": zh},
        "plate_number": item.plate_number,
        "registration_id": item.registration_id,
        "vehicle_code": item.vehicle_code,
        "errors": item.errors,
        "duplicate": item.replayed,
    }


def photo_problem(exc: PhotoError, row: int | None) -> dict[str, Any]:
    problem: dict[str, Any] = {"field": "photos", "code": "photos.invalid",
                               "message": exc.message, "message_zh": exc.message_zh}  # fmt: skip
    if row is not None:
        problem["row"] = row
    return problem
