"""A row's identity: the digest of its content, and the key derived when the sheet gives none."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from ..rules.references import is_valid_client_reference

__all__ = ["derive_reference", "item_fingerprint"]


def item_fingerprint(item: Mapping[str, Any]) -> str:
    """A digest of an item's content (without its reference): what "the same row" means."""
    content = {k: v for k, v in item.items() if k != "client_reference"}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                           default=_json_default)  # fmt: skip
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def derive_reference(item: Mapping[str, Any], fingerprint: str | None = None) -> str:
    """A row's key when the sheet gives none: the vehicle code plus a digest of the content.

    Rerunning the same row gives the same key (so the bureau replays its first
    outcome); fixing any cell gives a new one (so the fixed row is judged
    afresh). The vehicle code keeps keys readable and is not personal data.
    ``fingerprint``: the item's :func:`item_fingerprint`, when already known.
    """
    return _reference(item.get("vehicle", {}), fingerprint or item_fingerprint(item))


def _reference(vehicle: Mapping[str, Any], fingerprint: str) -> str:
    code = str(vehicle.get("vehicle_code", "")).strip()[:20]
    if not is_valid_client_reference(code):
        code = "row"  # a derived key follows the bureau's rule too (printable ASCII)
    return f"{code}-{fingerprint[:16]}"


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
