"""``vehreg configure``: save the bureau URL, app key and (in the OS keyring) the app secret."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from .sandbox import DEFAULT_PORT


def _mask(secret: str) -> str:
    return secret[:2] + "*" * max(len(secret) - 2, 4) if secret else ""


def configure(
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help=f"Bureau URL; `vehreg sandbox serve` listens on http://127.0.0.1:{DEFAULT_PORT}. "
            f"车管所服务地址；本机沙箱为 http://127.0.0.1:{DEFAULT_PORT}。",
        ),
    ] = None,
    app_key: Annotated[str | None, typer.Option("--app-key", help="App key. 应用标识。")] = None,
    app_secret: Annotated[
        str | None,
        typer.Option(
            "--app-secret",
            help="App secret; prompted without echo when omitted. 应用密钥（省略时隐藏输入）。",
        ),
    ] = None,
    show: Annotated[
        bool, typer.Option("--show", help="Show what is configured. 显示当前配置。")
    ] = False,
    forget: Annotated[
        bool, typer.Option("--forget", help="Remove the saved settings. 删除已保存的配置。")
    ] = False,
) -> None:
    """Store the app secret in the OS keyring (service ``vehreg-sdk``) and the base URL and
    app key in a small owner-only config file; no secret is ever written to a plain file.

    Without a usable keyring the settings are saved and the secret must come from
    ``VEHREG_APP_SECRET`` (exit 7 while that variable is not set).
    """
    from .. import credentials

    if forget:
        removed = credentials.delete(app_key)
        typer.echo("Removed. 已删除。" if removed else "Nothing saved. 没有已保存的配置。")
        return
    if show:
        found = credentials.resolve()
        typer.echo(f"base_url:   {found.base_url or '-'} ({found.sources.get('base_url', '-')})")
        typer.echo(f"app_key:    {found.app_key or '-'} ({found.sources.get('app_key', '-')})")
        secret_source = found.sources.get("app_secret", "-")
        typer.echo(f"app_secret: {_mask(found.app_secret or '') or '-'} ({secret_source})")
        typer.echo(f"config:     {credentials.config_path()}")
        return

    saved = credentials.load_config()
    base_url = base_url or typer.prompt(
        "Bureau base URL / 车管所服务地址", default=saved.get("base_url") or None
    )
    app_key = app_key or typer.prompt("App key / 应用标识", default=saved.get("app_key") or None)
    app_secret = app_secret or typer.prompt("App secret / 应用密钥", hide_input=True)
    assert base_url and app_key and app_secret
    if not base_url.startswith(("http://", "https://")):
        typer.echo(
            "The base URL must start with http:// or https://. 服务地址应以 http(s):// 开头。"
        )
        raise typer.Exit(2)

    from ._failures import EXIT_NOT_CONFIGURED

    try:
        path = credentials.save(
            base_url=base_url.rstrip("/"), app_key=app_key, app_secret=app_secret
        )
    except credentials.keyring_failures() as exc:  # no backend, a locked or broken one
        path = credentials.config_path()
        typer.echo(
            f"Saved the base URL and app key in {path}. No usable OS keyring "
            f"({type(exc).__name__}), so the secret was NOT saved: set VEHREG_APP_SECRET in "
            "the environment of every program that calls the bureau (the till's service, "
            "cron, Task Scheduler).\n"
            f"服务地址和应用标识已保存到 {path}。没有可用的系统钥匙串（{type(exc).__name__}），"
            "因此密钥未保存：请在每个调用车管所的程序（收银服务、定时任务）的环境中设置 "
            "VEHREG_APP_SECRET。",
            err=True,
        )
        if not os.environ.get(credentials.ENV_APP_SECRET):
            raise typer.Exit(EXIT_NOT_CONFIGURED) from None
        return
    typer.echo(f"Saved: secret in the OS keyring, settings in {path}.")
    typer.echo(f"已保存：密钥存入系统钥匙串，其他配置写入 {path}。")
