"""Where a machine-wide install keeps its files, and who is running it.

By default the outbox, ``config.json`` and the bridge-token file live in the folders of
the user who runs ``vehreg`` (``%LOCALAPPDATA%`` and ``%APPDATA%`` on Windows). A
service or a scheduled task runs as another account (SYSTEM, LOCAL SERVICE, a dedicated
user), whose folders are different and empty: it would sync another outbox, without
credentials, and show the clerk another bridge token. ``VEHREG_HOME`` (or the global
``--data-dir`` option) names one folder for all three, chosen explicitly; on Windows the
documented place is ``%ProgramData%\\vehreg``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Final

__all__ = ["ENV_HOME", "data_home", "service_account_warning", "windows_service_account"]

ENV_HOME: Final = "VEHREG_HOME"

#: the names Windows gives its built-in service accounts (``USERNAME`` as they see it)
_SERVICE_USERS: Final = frozenset(
    {"SYSTEM", "LOCAL SERVICE", "NETWORK SERVICE", "LOCALSERVICE", "NETWORKSERVICE"}
)
#: profile folders only service accounts have (virtual ``NT SERVICE\\x`` accounts included)
_SERVICE_PROFILE_MARKERS: Final = ("\\systemprofile", "\\serviceprofiles\\")


def data_home(environ: Mapping[str, str] | None = None) -> Path | None:
    """The machine-wide data folder named by ``VEHREG_HOME``, or ``None`` (per-user defaults)."""
    value = (os.environ if environ is None else environ).get(ENV_HOME, "").strip()
    return Path(value) if value else None


def windows_service_account(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """The account's name when this process runs as a Windows service or system account.

    SYSTEM shows itself as ``<MACHINE>$``; LOCAL SERVICE, NETWORK SERVICE and virtual
    service accounts have their profile under ``systemprofile`` or ``ServiceProfiles``.
    """
    env = os.environ if environ is None else environ
    if (platform or sys.platform) != "win32":
        return None
    user = env.get("USERNAME", "").strip()
    if user.upper() in _SERVICE_USERS or user.endswith("$"):
        return user or "SYSTEM"
    for name in ("USERPROFILE", "LOCALAPPDATA", "APPDATA"):
        folder = env.get(name, "").replace("/", "\\").lower()
        if any(marker in folder for marker in _SERVICE_PROFILE_MARKERS):
            return user or Path(folder).name
    return None


def service_account_warning(
    *,
    explicit_outbox: bool = False,
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
) -> str | None:
    """One bilingual line when a service account would use per-user defaults, else ``None``.

    ``explicit_outbox``: the command was given ``--db`` / ``VEHREG_OUTBOX``; the config and
    the bridge token still follow the account unless ``VEHREG_HOME`` is set.
    """
    env = os.environ if environ is None else environ
    account = windows_service_account(env, platform)
    if account is None or data_home(env) is not None:
        return None
    if explicit_outbox and env.get("VEHREG_CONFIG_DIR"):
        return None
    return (
        f"Warning: running as the service account {account} with per-user folders: this "
        "outbox, configuration and bridge token are not the clerk's. Set VEHREG_HOME (or "
        "--data-dir), e.g. %ProgramData%\\vehreg; see docs/windows.md. / 警告：正以服务账户 "
        f"{account} 运行且使用该账户自己的文件夹，离线队列、配置与桥接令牌都不是店员账户的。"
        "请设置 VEHREG_HOME（或 --data-dir），如 %ProgramData%\\vehreg；见 docs/windows.md。"
    )
