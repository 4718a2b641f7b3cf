"""The hook specs only ever gain arguments: compared with the committed snapshot.

``hookspecs.snapshot.json`` records every hook of the released API: its arguments in
order and whether the first result wins. A hook or argument that disappears or is
renamed, an argument inserted before existing ones, or a changed ``firstresult`` breaks
plugins written for an earlier version and fails here. Adding a hook or appending an
argument is allowed, but must raise ``HOOKSPEC_VERSION``'s minor number; then refresh
the snapshot with ``VEHREG_UPDATE_HOOKSPEC_SNAPSHOT=1 pytest tests/pos/test_hookspec_snapshot.py``
(it refuses to record an incompatible change).
"""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path
from typing import Any

from vehreg_sdk.pos import HOOKSPEC_VERSION, PROJECT_NAME, PosHookSpecs

SNAPSHOT = Path(__file__).with_name("hookspecs.snapshot.json")


def current_specs(specs: type = PosHookSpecs) -> dict[str, Any]:
    hooks: dict[str, Any] = {}
    for name, function in inspect.getmembers(specs, inspect.isfunction):
        options = getattr(function, f"{PROJECT_NAME}_spec", None)
        if options is None:
            continue
        arguments = [p for p in inspect.signature(function).parameters if p != "self"]
        hooks[name] = {"arguments": arguments, "firstresult": bool(options.get("firstresult"))}
    return {"version": list(HOOKSPEC_VERSION), "hooks": hooks}


def compatibility_problems(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What in ``new`` breaks a plugin written against ``old`` (empty: compatible)."""
    problems = []
    for name, spec in old["hooks"].items():
        now = new["hooks"].get(name)
        if now is None:
            problems.append(f"hook {name} was removed")
            continue
        before = spec["arguments"]
        if now["arguments"][: len(before)] != before:
            problems.append(
                f"{name}{tuple(before)} became {name}{tuple(now['arguments'])}: arguments may only"
                " be appended"
            )
        if now["firstresult"] != spec["firstresult"]:
            problems.append(f"{name}: firstresult changed")
    grown = new["hooks"] != old["hooks"]
    if new["version"][0] != old["version"][0]:
        problems.append("the major version changed: that is a broken promise, not an update")
    elif grown and new["version"][1] <= old["version"][1]:
        problems.append(f"the hooks grew: raise HOOKSPEC_VERSION above {tuple(old['version'])}")
    return problems


def test_hook_specs_only_gain_arguments() -> None:
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    current = current_specs()
    problems = compatibility_problems(recorded, current)
    assert problems == [], problems
    if os.environ.get("VEHREG_UPDATE_HOOKSPEC_SNAPSHOT") == "1":
        SNAPSHOT.write_text(
            json.dumps(current, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    assert current == recorded, (
        "the hook specs grew compatibly: record them with VEHREG_UPDATE_HOOKSPEC_SNAPSHOT=1"
    )


def test_the_snapshot_check_catches_a_removed_or_renamed_argument() -> None:
    from vehreg_sdk.pos import hookspec

    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))

    class Renamed(PosHookSpecs):
        @hookspec
        def after_registration(self, registration: Any, shop: Any, local_id: Any) -> None:
            """``store`` renamed to ``shop``."""

    class Removed(PosHookSpecs):
        @hookspec
        def after_registration(self, registration: Any, store: Any) -> None:  # type: ignore[override]
            """``local_id`` removed."""

    class Inserted(PosHookSpecs):
        @hookspec
        def validate_sale(self, store: Any, sale: Any) -> None:  # type: ignore[override]
            """An argument inserted before ``sale``."""

    class Appended(PosHookSpecs):
        @hookspec
        def validate_sale(self, sale: Any, store: Any) -> None:  # type: ignore[override]
            """An argument appended: allowed with a new minor version."""

    for broken in (Renamed, Removed, Inserted):
        assert compatibility_problems(recorded, current_specs(broken)), broken.__name__
    appended = current_specs(Appended)
    assert compatibility_problems(recorded, appended) == [
        f"the hooks grew: raise HOOKSPEC_VERSION above {tuple(recorded['version'])}"
    ]
    appended["version"] = [recorded["version"][0], recorded["version"][1] + 1]
    assert compatibility_problems(recorded, appended) == []
