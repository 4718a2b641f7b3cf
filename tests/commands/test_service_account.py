"""A service or a scheduled task on Windows: one machine-wide data folder, a warning when a
service account would use its own per-user folders, and every keyring failure explained."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import InitError, KeyringError, NoKeyringError
from typer.testing import CliRunner

from vehreg_sdk import CredentialsError, VehregClient, credentials
from vehreg_sdk._home import data_home, service_account_warning, windows_service_account
from vehreg_sdk.cli import app
from vehreg_sdk.cli._failures import EXIT_NOT_CONFIGURED, EXIT_OK
from vehreg_sdk.outbox import default_path

USER_ENV = {
    "USERNAME": "店员",
    "USERPROFILE": r"C:\Users\店员",
    "LOCALAPPDATA": r"C:\Users\店员\AppData\Local",
}
SERVICE_ENVS = {
    "SYSTEM": {
        "USERNAME": "TILL-01$",
        "USERPROFILE": r"C:\Windows\system32\config\systemprofile",
    },
    "LOCAL SERVICE": {
        "USERNAME": "LOCAL SERVICE",
        "USERPROFILE": r"C:\Windows\ServiceProfiles\LocalService",
    },
    "NETWORK SERVICE": {
        "USERNAME": "NETWORK SERVICE",
        "USERPROFILE": r"C:\Windows\ServiceProfiles\NetworkService",
    },
    "virtual account": {
        "USERNAME": "vehreg",
        "USERPROFILE": r"C:\Windows\ServiceProfiles\vehreg",
        "LOCALAPPDATA": r"C:\Windows\ServiceProfiles\vehreg\AppData\Local",
    },
}


@pytest.mark.parametrize("kind", sorted(SERVICE_ENVS))
def test_service_accounts_are_recognised_and_warned(kind: str) -> None:
    env = SERVICE_ENVS[kind]
    assert windows_service_account(env, "win32")
    warning = service_account_warning(environ=env, platform="win32")
    assert warning is not None and "VEHREG_HOME" in warning and "服务账户" in warning
    assert "\n" not in warning  # one line in a service log
    # chosen explicitly: no warning
    home = {**env, "VEHREG_HOME": r"C:\ProgramData\vehreg"}
    assert service_account_warning(environ=home, platform="win32") is None


def test_the_clerks_own_account_and_other_systems_are_not_warned() -> None:
    assert service_account_warning(environ=USER_ENV, platform="win32") is None
    assert service_account_warning(environ=SERVICE_ENVS["SYSTEM"], platform="linux") is None


@pytest.fixture
def windows_service(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """This process looks like a Windows service running as SYSTEM, with per-user folders."""
    monkeypatch.setattr(sys, "platform", "win32")
    for name, value in SERVICE_ENVS["SYSTEM"].items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("VEHREG_HOME", raising=False)
    monkeypatch.setenv("VEHREG_OUTBOX", str(tmp_path / "nothing-here.db"))


@pytest.mark.usefixtures("windows_service")
def test_outbox_sync_warns_at_start_when_a_service_uses_per_user_defaults() -> None:
    result = CliRunner().invoke(app, ["outbox", "sync"])
    assert result.exit_code == EXIT_OK, result.output
    first = result.output.splitlines()[0]
    assert "service account" in first and "服务账户" in first


@pytest.mark.usefixtures("windows_service")
@pytest.mark.parametrize("command", [["pos", "watch", "inbox"], ["pos", "serve"]])
def test_pos_commands_warn_at_start(
    command: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from vehreg_sdk.cli import pos

    started: list[str] = []

    def fake_command(name: str) -> object:
        return lambda **kwargs: started.append(name)

    monkeypatch.setattr(pos, "_command", fake_command)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, command)
    assert result.exit_code == EXIT_OK, result.output
    assert "VEHREG_HOME" in result.output and "服务账户" in result.output
    assert started  # the warning does not stop the service


def test_vehreg_home_holds_the_outbox_the_config_and_the_bridge_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from vehreg_pos_bridge.security import TokenStore, token_file

    home = tmp_path / "ProgramData" / "vehreg"
    for name in ("VEHREG_OUTBOX", "VEHREG_CONFIG_DIR", "VEHREG_BRIDGE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VEHREG_HOME", str(home))
    assert data_home() == home
    assert default_path() == home / "outbox.db"
    assert credentials.config_path() == home / "config.json"
    assert token_file() == home / "bridge-token"
    store = TokenStore(notice=lambda line: None)
    assert store.location == "file"  # not the keyring of whoever started it
    token = store.get_or_create()
    assert (home / "bridge-token").read_text(encoding="utf-8").strip() == token


def test_data_dir_option_names_the_folder_for_every_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("VEHREG_OUTBOX", "VEHREG_HOME"):
        monkeypatch.setenv(name, "x")  # so that the option's setting is undone afterwards
        monkeypatch.delenv(name)
    home = tmp_path / "机器数据"
    result = CliRunner().invoke(app, ["--data-dir", str(home), "outbox", "status", "--json"])
    assert result.exit_code == EXIT_OK, result.output
    assert str(home / "outbox.db") in result.output


# ---------------------------------------------------------------- keyring failures


class BrokenKeyring(KeyringBackend):
    """A backend that fails the way Task Scheduler without a stored password does."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, error: BaseException) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


FAILURES = [
    KeyringError("backend failed"),
    NoKeyringError("No recommended backend"),
    InitError("cannot open the credential store"),
    OSError(1312, "A specified logon session does not exist"),
    RuntimeError("dbus is not running"),
]


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


@pytest.mark.usefixtures("restore_keyring")
@pytest.mark.parametrize("error", FAILURES, ids=lambda e: type(e).__name__)
def test_a_failing_keyring_is_explained_never_a_traceback(
    error: BaseException, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    keyring.set_keyring(BrokenKeyring(error))
    monkeypatch.setenv("VEHREG_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("VEHREG_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("VEHREG_APP_KEY", "dk_task")
    monkeypatch.delenv("VEHREG_APP_SECRET", raising=False)
    monkeypatch.delenv("VEHREG_BRIDGE_TOKEN", raising=False)
    monkeypatch.delenv("VEHREG_HOME", raising=False)

    # the client: a typed, bilingual error naming the way out
    with pytest.raises(CredentialsError) as caught:
        VehregClient()
    assert "VEHREG_APP_SECRET" in caught.value.message
    assert type(error).__name__ in caught.value.message
    assert "钥匙串" in caught.value.message_zh

    # the sync command: exit 7, both languages, no traceback
    db = tmp_path / "shop.db"
    from outbox.outbox_support import sale_payload
    from vehreg_sdk.outbox import Outbox

    with Outbox(db) as box:
        box.enqueue(sale_payload(5))
    result = CliRunner().invoke(app, ["outbox", "sync", "--db", str(db)])
    assert result.exit_code == EXIT_NOT_CONFIGURED, result.output
    assert "keyring" in result.output and "钥匙串" in result.output
    assert "Traceback" not in result.output

    # configure saves what it can and says why the secret was not saved
    args = ["configure", "--base-url", "http://x.test", "--app-key", "k", "--app-secret", "s"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == EXIT_NOT_CONFIGURED, result.output
    assert "VEHREG_APP_SECRET" in result.output and "密钥未保存" in result.output
    # forgetting with a broken keyring still removes the settings file
    result = CliRunner().invoke(app, ["configure", "--forget"])
    assert result.exit_code == EXIT_OK, result.output
    assert not credentials.config_path().exists()

    # the bridge token falls back to the owner-only file, with a bilingual notice
    from vehreg_pos_bridge.security import TokenStore, token_file

    notices: list[str] = []
    store = TokenStore(notice=notices.append)
    assert store.get_or_create()
    assert store.location == "file", token_file()
    assert "密钥环" in notices[0], (notices, token_file())
