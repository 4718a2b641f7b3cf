"""Loaded by the subprocesses of the command matrix (``PYTHONPATH`` points here).

``VEHREG_TEST_BLOCK_MODULES=uvicorn,PIL`` makes those imports fail as they do in a
wheel-only install without the extra: a ``ModuleNotFoundError`` naming the module.
Nothing is uninstalled.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType

_BLOCKED = {n.strip() for n in os.environ.get("VEHREG_TEST_BLOCK_MODULES", "").split(",") if n}


class _Uninstalled(MetaPathFinder):
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname.split(".")[0] in _BLOCKED:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


if _BLOCKED:
    sys.meta_path.insert(0, _Uninstalled())
