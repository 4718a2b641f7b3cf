"""``vehreg --version``: the SDK's version and the version of the bureau contract it speaks."""

from __future__ import annotations

import re
from importlib import resources

_INFO_VERSION = re.compile(
    r"^info:\s*$.*?^  version:\s*['\"]?([^'\"\s]+)", re.MULTILINE | re.DOTALL
)


def contract_version() -> str:
    """``info.version`` of the packaged contract (``openapi.yaml``), read without PyYAML."""
    try:
        text = (resources.files("vehreg_sdk") / "sandbox" / "openapi.yaml").read_text("utf-8")
    except OSError:
        return "unknown"
    found = _INFO_VERSION.search(text)
    return found.group(1) if found else "unknown"


def version_text() -> str:
    from .. import __version__

    return f"vehreg-sdk {__version__} (contract / 接口契约 v{contract_version()})"
