"""``--under-16 warning``: the CLI, docs/bulk.md and the sandbox bureau tell one story.

Offline the row is a warning, so it is sent, flagged. The bureau applies its
own rule: the sandbox's default (the law's 16) refuses it with the same code,
and a sandbox started with ``--under-16 warning`` registers it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from vehreg_sdk import VehregClient
from vehreg_sdk.cli import app
from vehreg_sdk.rules.config import DEFAULT_CONFIG, MinorPolicy
from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.testing import fake_mobile, fake_name, fake_resident_id
from vehreg_sdk.testing.campus import campus_rows, write_campus_sheet

from .support import CAMPUS, STORE

CAMPUS_RULES = DEFAULT_CONFIG.replace(minor_policy=MinorPolicy(under_16_severity="warning"))


def _sheet(path: Path, today: date, pool_start: int, seed: int = 7) -> None:
    import random

    # Each test its own seed: invoice numbers are unique per dealer at the bureau.
    rows = list(campus_rows(3, on=today, pool_start=pool_start, minors_every=0, seed=seed))
    young = rows[1].values  # row 3: a 15-year-old with a consenting guardian
    young["owner_id_number"] = fake_resident_id(
        random.Random(4), today - timedelta(days=365 * 15 + 40)
    )
    rng = random.Random(5)
    young.update(
        guardian_name=fake_name(rng),
        guardian_id_number=fake_resident_id(rng, date(1980, 5, 6)),
        guardian_mobile=fake_mobile(rng),
        guardian_relationship="父母",
        guardian_consent="是",
    )
    write_campus_sheet(path, rows)


def _submit(server: SandboxServer, sheet: Path, journal: Path) -> dict[int, tuple[str, list[str]]]:
    with VehregClient(
        base_url=server.base_url, app_key=CAMPUS.app_key, app_secret=CAMPUS.app_secret
    ) as client:
        result = client.bulk.submit(sheet, store_id=STORE, journal=journal, config=CAMPUS_RULES)
    assert result.counts.flagged == 1
    return {
        r.row_number: (r.status, [e["code"] for e in [*r.errors, *r.warnings]])
        for r in result.outcomes()
    }


def test_the_default_bureau_refuses_an_owner_under_16_with_the_same_code(
    sandbox: SandboxServer, tmp_path: Path, today: date, pool_start: int
) -> None:
    sheet = tmp_path / "young.csv"
    _sheet(sheet, today, pool_start)
    outcomes = _submit(sandbox, sheet, tmp_path / "j")
    assert outcomes[2][0] == outcomes[4][0] == "registered"
    status, codes = outcomes[3]
    assert status == "rejected" and "owner.under_16" in codes


def test_a_campus_bureau_registers_it_flagged(tmp_path: Path, today: date, pool_start: int) -> None:
    sheet = tmp_path / "young.csv"
    _sheet(sheet, today, pool_start)
    with SandboxServer(tmp_path / "campus.db", rule_config=CAMPUS_RULES) as server:
        outcomes = _submit(server, sheet, tmp_path / "j")
    assert outcomes[3] == ("registered", ["owner.under_16"])


def test_the_cli_says_so_before_sending(
    sandbox: SandboxServer, tmp_path: Path, today: date, pool_start: int
) -> None:
    sheet = tmp_path / "young.csv"
    _sheet(sheet, today, pool_start + 600, seed=16)
    env = {"VEHREG_BASE_URL": sandbox.base_url, "VEHREG_APP_KEY": CAMPUS.app_key,
           "VEHREG_APP_SECRET": CAMPUS.app_secret, "COLUMNS": "200"}  # fmt: skip
    result = CliRunner().invoke(
        app,
        ["bulk", "submit", str(sheet), "--store", STORE, "--under-16", "warning", "--quiet",
         "--date", today.isoformat()],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "Owners under 16 are sent, flagged" in result.output
    assert "未满16周岁的车主会提交并标记提示" in result.output
    words = "".join(result.output.split())  # rich wraps the summary and the table to the terminal
    assert "1rejected" in words and "owner.under_16" in words
    refused = CliRunner().invoke(app, ["sandbox", "serve", "--under-16", "maybe"])
    assert refused.exit_code != 0 and "Traceback" not in refused.output
