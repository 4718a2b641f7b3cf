"""A minimal third-party POS plugin for vehreg-sdk.

* ``validate_sale``: this shop's invoices all start with ``FP`` (a dealer rule).
* ``after_registration``: appends the plate to a journal file (``$EXAMPLE_JOURNAL``).

Install it next to vehreg-sdk (``pip install ./examples/pos_plugin_example``) and
``vehreg pos plugins`` lists it. Hooks may take fewer arguments than the spec offers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from vehreg_sdk.pos import hookimpl
from vehreg_sdk.rules import Violation


@hookimpl
def validate_sale(sale: Any) -> list[Violation]:
    if not sale.sale.invoice_number.startswith("FP"):
        return [
            Violation(
                code="example.invoice_prefix",
                field="sale.invoice_number",
                message="This shop's invoice numbers start with FP",
                message_zh="本店发票号码应以 FP 开头",
            )
        ]
    return []


@hookimpl
def after_registration(registration: Any, local_id: str | None) -> None:
    journal = os.environ.get("EXAMPLE_JOURNAL")
    if journal:
        with Path(journal).open("a", encoding="utf-8") as handle:
            handle.write(f"{local_id},{registration.id},{registration.plate_number}\n")
