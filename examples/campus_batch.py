"""A school batch with the Python API: sheet → offline check → submit → plates → labels.

Run it as it is: it starts an embedded sandbox bureau and makes a fictional
sheet of 60 students (3 rows broken on purpose). Point it at your own bureau
with ``VEHREG_BASE_URL`` / ``VEHREG_APP_KEY`` / ``VEHREG_APP_SECRET`` and your
own sheet with ``python examples/campus_batch.py school.xlsx st_your_store``.

    python examples/campus_batch.py [SHEET STORE_ID]
"""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import ExitStack
from itertools import islice
from pathlib import Path

from vehreg_sdk import VehregClient, privacy
from vehreg_sdk.bulk import validate_file


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="campus-batch-"))
    with ExitStack() as stack:
        if len(sys.argv) == 3:
            sheet, store_id = Path(sys.argv[1]), sys.argv[2]
            client = stack.enter_context(VehregClient())
        else:
            sheet, store_id, client = _demo(stack, work)

        # 1. Offline: every problem, with row and column, before anything is sent.
        catalogue = {m.product_model: m.model_dump(mode="json") for m in client.catalogue.list()}
        summary = validate_file(sheet, catalogue=catalogue, report=work / "report.csv")
        print(f"{summary.rows} rows: {summary.error_rows} with errors (report: {summary.report})")
        for issue in summary.issues[:5]:
            print("  ", issue)  # values of personal data are already masked

        # 2. Submit. Good rows go through; the journal makes a rerun resume, never duplicate.
        result = client.bulk.submit(
            sheet, store_id=store_id, journal=work / "school.journal", catalogue=catalogue,
            progress=lambda p: print(f"\r  {p.done}/{p.total} rows", end="", flush=True),
        )  # fmt: skip
        print()
        counts = result.counts
        print(f"registered {counts.registered}, rejected {counts.rejected}, "
              f"not sent {counts.invalid}, to retry {counts.failed + counts.pending}, "
              f"flagged {counts.flagged}")  # fmt: skip

        # 3. A plate per student, or the reasons.
        for outcome in islice(result.outcomes(), 8):  # streamed from the journal
            reasons = "; ".join(e["message_zh"] for e in outcome.errors + outcome.warnings)
            print(f"  row {outcome.row_number}: {outcome.plate_number or reasons}")
        if counts.not_registered:
            fix = result.export_rejected(work / f"fix-these{sheet.suffix}")
            print(f"rows to fix, in the sheet's own format: {fix}")
        print(f"every row with its plate: {result.write_results(work / f'results{sheet.suffix}')}")

        # 4. One A4 label sheet for the whole batch.
        from vehreg_sdk.labels import PlateLabel, render_sheet

        store = next(s for s in client.stores.list() if s.id == store_id)
        labels = [
            PlateLabel.from_registration(client.ebike_registrations.retrieve(reg_id), store)
            for _, reg_id, _ in result.plates()
        ]
        (work / "labels.pdf").write_bytes(render_sheet(labels))
        print(f"{len(labels)} labels: {work / 'labels.pdf'}")
        name = privacy.mask_name("王小明")
        print(f"(names in logs and on screen are masked, e.g. {name})")
    return 0


def _demo(stack: ExitStack, work: Path) -> tuple[Path, str, VehregClient]:
    """An embedded sandbox and a fictional sheet (the bikes come from its certificate pool)."""
    from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
    from vehreg_sdk.sandbox.clock import shanghai_date, system_clock
    from vehreg_sdk.testing.campus import campus_rows, write_campus_sheet

    if os.environ.get("VEHREG_BASE_URL"):
        client = stack.enter_context(VehregClient())
        store_id = next(iter(client.stores.list())).id
    else:
        sandbox = stack.enter_context(SandboxServer(work / "sandbox.db"))
        dealer = DEMO_DEALERS[1]  # the campus dealer
        client = stack.enter_context(VehregClient(
            base_url=sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
        ))  # fmt: skip
        store_id = dealer.store_ids[0]
    sheet = work / "school.xlsx"
    rows = campus_rows(60, on=shanghai_date(system_clock()), bad_every=20, pool_start=20_000)
    write_campus_sheet(sheet, rows)
    return sheet, store_id, client


if __name__ == "__main__":
    raise SystemExit(main())
