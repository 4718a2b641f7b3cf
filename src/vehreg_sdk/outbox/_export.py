"""``vehreg outbox export --csv``: one row per item, personal data masked, Shanghai times."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from ._models import SHANGHAI, status_text
from ._store import DEFAULT_MAX_AGE, Outbox

COLUMNS = [
    "local_id",
    "status",
    "status_zh",
    "overdue",
    "store_id",
    "vehicle_code",
    "product_model",
    "owner_name",
    "owner_id_number",
    "owner_mobile",
    "invoice_number",
    "registration_id",
    "plate_number",
    "attempts",
    "errors",
    "source",
    "created_at",
    "updated_at",
]


def export_csv(outbox: Outbox, *, max_age: timedelta = DEFAULT_MAX_AGE) -> str:
    """The outbox as CSV text (write it with ``utf-8-sig`` so Excel reads the Chinese)."""
    now = datetime.fromtimestamp(outbox.now(), SHANGHAI)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for item in outbox.list():
        row = item.summary(lang="en")
        row["status_zh"] = status_text(item.status, "zh")
        row["overdue"] = "yes" if item.is_overdue(max_age, now) else ""
        row["errors"] = "; ".join(
            f"{e.get('field') or '-'}: {e.get('code')} {e.get('message_zh', '')}"
            for e in item.errors
        )
        writer.writerow(row)
    return buffer.getvalue()
