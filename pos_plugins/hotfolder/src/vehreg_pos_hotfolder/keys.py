"""What identifies a sale of a dropped file, and the file itself, for the hot folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

__all__ = ["file_stamp", "row_key", "vehicle_code"]


def row_key(sale: dict[str, Any], reference: Any = None) -> str:
    """The outbox key of one sale of a file: ``pos:<pos_reference>`` when the POS gives one,
    else ``row:<sha256 of the sale's own content>``.

    Not the hash of the whole file, and not the file name: the same sale keeps its key
    when it comes again in another file or at another row (a re-export, a corrected batch),
    and a POS that reuses file names cannot make a new sale look like an old one.
    """
    if reference not in (None, ""):
        return f"pos:{reference}"
    canonical = json.dumps(sale, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"row:{hashlib.sha256(canonical.encode()).hexdigest()}"


def file_stamp(path: Path) -> str:
    """Identifies one dropped file (name, size, modification time): the same file seen again
    before it could be moved away, as opposed to the same sales dropped again in a new file."""
    stat = path.stat()
    return f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}"


def vehicle_code(sale: dict[str, Any]) -> str | None:
    vehicle = sale.get("vehicle")
    code = vehicle.get("vehicle_code") if isinstance(vehicle, dict) else None
    return str(code).strip() if code is not None else None
