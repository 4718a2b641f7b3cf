"""Credentials: arguments > environment > saved config and keyring; `vehreg configure`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from typer.testing import CliRunner

from vehreg_sdk import CredentialsError, VehregClient, credentials
from vehreg_sdk.cli import app

from .conftest import MemoryKeyring

SECRET = "sk_saved_in_keyring_123"


def _files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def test_missing_base_url_tells_what_to_do() -> None:
    with pytest.raises(CredentialsError) as caught:
        VehregClient(app_key="k", app_secret="s")
    text = str(caught.value)
    assert "vehreg sandbox serve" in text
    assert "vehreg configure" in text
    assert "VEHREG_BASE_URL" in text
    assert "车管所" in text


def test_missing_secret() -> None:
    with pytest.raises(CredentialsError, match="VEHREG_APP_SECRET"):
        VehregClient(base_url="http://127.0.0.1:9", app_key="k")


def test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEHREG_BASE_URL", "http://env.test/")
    monkeypatch.setenv("VEHREG_APP_KEY", "env_key")
    monkeypatch.setenv("VEHREG_APP_SECRET", "env_secret")
    client = VehregClient()
    assert client.base_url == "http://env.test"
    assert client.app_key == "env_key"
    assert "env_secret" not in repr(client)
    assert VehregClient(app_key="arg_key").app_key == "arg_key"  # arguments win


def test_configure_stores_secret_in_keyring_only(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        ["configure", "--base-url", "http://127.0.0.1:8765", "--app-key", "dk_1"],
        input=f"{SECRET}\n",
    )
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output  # hidden prompt
    assert memory_keyring.passwords == {("vehreg-sdk", "dk_1"): SECRET}
    files = _files_under(tmp_path / "config")
    assert files, "the base URL and app key go to a config file"
    for file in files:
        assert SECRET.encode() not in file.read_bytes()

    client = VehregClient()  # everything from the saved configuration
    assert client.base_url == "http://127.0.0.1:8765"
    assert client.app_key == "dk_1"
    assert client._options.app_secret == SECRET
    found = credentials.resolve()
    assert found.sources == {"base_url": "config", "app_key": "config", "app_secret": "keyring"}

    shown = CliRunner().invoke(app, ["configure", "--show"])
    assert shown.exit_code == 0
    assert "keyring" in shown.output
    assert SECRET not in shown.output

    forgot = CliRunner().invoke(app, ["configure", "--forget"])
    assert forgot.exit_code == 0
    assert memory_keyring.passwords == {}
    assert _files_under(tmp_path / "config") == []


def test_env_secret_beats_keyring(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials.save(base_url="http://saved.test", app_key="dk_1", app_secret=SECRET)
    monkeypatch.setenv("VEHREG_APP_SECRET", "from_env")
    found = credentials.resolve()
    assert found.app_secret == "from_env"
    assert found.sources["app_secret"] == "env"


def test_keyring_is_not_touched_when_env_has_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Exploding(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise AssertionError("keyring consulted")

    import keyring

    keyring.set_keyring(Exploding())
    found = credentials.resolve("http://a.test", "k", "s")
    assert found.app_secret == "s"


def test_no_keyring_backend_saves_the_settings_and_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring

    keyring.set_keyring(FailKeyring())  # type: ignore[no-untyped-call]
    monkeypatch.delenv("VEHREG_APP_SECRET", raising=False)
    args = ["configure", "--base-url", "http://x.test", "--app-key", "k", "--app-secret", SECRET]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 7  # not configured yet: the secret must come from the env
    assert "VEHREG_APP_SECRET" in result.output and "密钥未保存" in result.output
    assert "Traceback" not in result.output
    saved = credentials.config_path()
    assert credentials.load_config() == {"base_url": "http://x.test", "app_key": "k"}
    assert SECRET.encode() not in saved.read_bytes()
    if os.name == "posix":
        assert saved.stat().st_mode & 0o777 == 0o600
    # resolving with a failing backend just finds no secret; the variable completes it
    assert credentials.resolve().app_secret is None
    monkeypatch.setenv("VEHREG_APP_SECRET", "from_env")
    assert CliRunner().invoke(app, args).exit_code == 0
    assert VehregClient().base_url == "http://x.test"
    forgot = CliRunner().invoke(app, ["configure", "--forget"])
    assert forgot.exit_code == 0 and not saved.exists()


def test_configure_refuses_a_non_http_url() -> None:
    result = CliRunner().invoke(
        app, ["configure", "--base-url", "ftp://x", "--app-key", "k", "--app-secret", "s"]
    )
    assert result.exit_code == 2
