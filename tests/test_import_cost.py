"""``import vehreg_sdk`` must stay light: the client, pydantic and httpx load on first use."""

from __future__ import annotations

import subprocess
import sys


def test_import_does_not_pull_in_transport_or_models() -> None:
    code = (
        "import sys, vehreg_sdk; "
        "heavy = ('httpx', 'pydantic', 'starlette', 'PIL', 'rich'); "
        "heavy = [m for m in heavy if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True
    )
    assert out.stdout.strip() == ""


def test_public_names_resolve_lazily() -> None:
    code = (
        "import vehreg_sdk; "
        "assert vehreg_sdk.VehregClient.__name__ == 'VehregClient'; "
        "assert issubclass(vehreg_sdk.ConflictError, vehreg_sdk.VehregError); "
        "print('ok')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8"
    )
    assert out.stdout.strip() == "ok", out.stderr
