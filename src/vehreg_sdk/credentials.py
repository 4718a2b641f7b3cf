"""Where the client finds its base URL, app key and app secret.

Each value is taken from the first place that has it:

1. the argument passed to ``VehregClient(...)``;
2. the environment: ``VEHREG_BASE_URL``, ``VEHREG_APP_KEY``, ``VEHREG_APP_SECRET``;
3. what ``vehreg configure`` saved: the base URL and app key in a small JSON file in the
   user's config directory (``~/.config/vehreg/config.json`` on Linux), the app secret in
   the OS keyring under the service ``vehreg-sdk`` (user name: the app key).

The secret is never written to a plain-text file. On a machine without a usable keyring
(a headless till, a container, a Windows service account) ``vehreg configure`` still
saves the base URL and app key, and the secret comes from ``VEHREG_APP_SECRET``.
The keyring is consulted only when no argument or variable gives the secret, so a client
configured from the environment never pays for loading a keyring backend.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

__all__ = [
    "ENV_APP_KEY",
    "ENV_APP_SECRET",
    "ENV_BASE_URL",
    "KEYRING_SERVICE",
    "Credentials",
    "config_path",
    "delete",
    "keyring_failures",
    "keyring_problem_text",
    "load_config",
    "resolve",
    "save",
    "save_settings",
]

KEYRING_SERVICE: Final = "vehreg-sdk"
ENV_BASE_URL: Final = "VEHREG_BASE_URL"
ENV_APP_KEY: Final = "VEHREG_APP_KEY"
ENV_APP_SECRET: Final = "VEHREG_APP_SECRET"  # noqa: S105 - a variable name
#: overrides the directory of ``config.json`` (tests, containers)
ENV_CONFIG_DIR: Final = "VEHREG_CONFIG_DIR"

Source = Literal["argument", "env", "config", "keyring"]


@dataclass(frozen=True, slots=True)
class Credentials:
    """What :func:`resolve` found; a value is ``None`` when no source had it."""

    base_url: str | None
    app_key: str | None
    app_secret: str | None = field(repr=False)
    #: which source each found value came from, by field name
    sources: dict[str, Source] = field(default_factory=dict)
    #: the keyring's failure when it was asked for the secret and could not answer
    keyring_error: BaseException | None = field(default=None, repr=False, compare=False)


def config_path() -> Path:
    """The JSON file holding the non-secret settings saved by ``vehreg configure``."""
    override = os.environ.get(ENV_CONFIG_DIR)
    if override:
        return Path(override) / "config.json"
    from ._home import data_home

    home = data_home()
    if home is not None:  # a machine-wide install (service, scheduled task): see _home
        return home / "config.json"
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "vehreg" / "config.json"


def load_config() -> dict[str, str]:
    """The saved ``base_url`` and ``app_key``; empty when nothing was saved or it is unreadable."""
    try:
        data = json.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: str(v) for k, v in data.items() if k in {"base_url", "app_key"} and v}


def keyring_failures() -> tuple[type[BaseException], ...]:
    """What a keyring call can raise when the keyring cannot be used.

    ``KeyringError`` covers ``NoKeyringError``, ``InitError`` and ``KeyringLocked``; backends
    also raise ``RuntimeError`` and ``OSError`` (a Windows Credential Manager that a
    scheduled task without a stored password, or a service account, cannot open).
    """
    from keyring.errors import KeyringError

    return (KeyringError, RuntimeError, OSError)


def keyring_problem_text(exc: BaseException) -> tuple[str, str]:
    """Why the keyring failed and what to do, in English and Chinese (no secret in it)."""
    name = type(exc).__name__
    return (
        f"The OS keyring could not be used ({name}); a scheduled task that does not store "
        "its account's password, or a service account, has no keyring: set "
        "VEHREG_APP_SECRET for that program, or run it under an account that ran "
        "`vehreg configure` (see docs/windows.md)",
        f"无法使用系统钥匙串（{name}）；未保存账户密码的计划任务或服务账户无法打开钥匙串："
        "请为该程序设置 VEHREG_APP_SECRET，或以运行过 `vehreg configure` 的账户运行"
        "（见 docs/windows.md）",
    )


def _keyring_secret(app_key: str) -> tuple[str | None, BaseException | None]:
    """The saved secret, or ``(None, the failure)`` when the keyring cannot be used."""
    failures: tuple[type[BaseException], ...] = (ImportError, *keyring_failures())
    try:
        import keyring

        secret: str | None = keyring.get_password(KEYRING_SERVICE, app_key)
    except failures as exc:
        return None, exc
    return secret, None


def resolve(
    base_url: str | None = None,
    app_key: str | None = None,
    app_secret: str | None = None,
    *,
    use_keyring: bool = True,
) -> Credentials:
    """Find each value: argument > environment > saved configuration / keyring."""
    sources: dict[str, Source] = {}
    config: dict[str, str] | None = None

    def pick(name: str, argument: str | None, env_name: str) -> str | None:
        nonlocal config
        if argument:
            sources[name] = "argument"
            return argument
        from_env = os.environ.get(env_name)
        if from_env:
            sources[name] = "env"
            return from_env
        if name == "app_secret":
            return None
        if config is None:
            config = load_config()
        saved = config.get(name)
        if saved:
            sources[name] = "config"
        return saved

    found_url = pick("base_url", base_url, ENV_BASE_URL)
    found_key = pick("app_key", app_key, ENV_APP_KEY)
    found_secret = pick("app_secret", app_secret, ENV_APP_SECRET)
    keyring_error: BaseException | None = None
    if found_secret is None and found_key and use_keyring:
        found_secret, keyring_error = _keyring_secret(found_key)
        if found_secret:
            sources["app_secret"] = "keyring"  # noqa: S105 - a source name
    return Credentials(found_url, found_key, found_secret, sources, keyring_error)


def save(*, base_url: str, app_key: str, app_secret: str) -> Path:
    """Save the base URL and app key in ``config.json`` (owner-only), then the secret in the
    OS keyring.

    Raises one of :func:`keyring_failures` (for example ``NoKeyringError`` on a
    headless till) when no keyring can take the secret: the settings are saved all the
    same, and the secret must then come from ``VEHREG_APP_SECRET``. The secret is never
    written to a file.
    """
    import keyring

    path = save_settings(base_url=base_url, app_key=app_key)
    keyring.set_password(KEYRING_SERVICE, app_key, app_secret)
    return path


def save_settings(*, base_url: str, app_key: str) -> Path:
    """Write what is not secret (base URL, app key) to ``config.json``, owner-only."""
    from ._fs import write_private_text

    path = config_path()
    payload = json.dumps({"base_url": base_url, "app_key": app_key}, indent=2) + "\n"
    write_private_text(path, payload)
    return path


def delete(app_key: str | None = None) -> bool:
    """Forget the saved secret (of ``app_key``, default the saved one) and the config file."""
    import keyring

    key = app_key or load_config().get("app_key")
    removed = False
    if key:
        try:
            keyring.delete_password(KEYRING_SERVICE, key)
            removed = True
        except keyring_failures():  # nothing saved, or no keyring at all
            pass
    path = config_path()
    if path.exists():
        path.unlink()
        removed = True
    return removed
