"""``vehreg pos serve | watch | token | plugins``: the POS integrations.

The bridge and the hot folder are separate packages (``pos_plugins/``); they
plug their commands in through the entry-point group ``vehreg_sdk.cli``, so
this module imports neither by name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(no_args_is_help=True)

CLI_GROUP = "vehreg_sdk.cli"
_PACKAGES = {
    "pos_serve": "vehreg-pos-bridge (pip install ./pos_plugins/bridge)",
    "pos_token": "vehreg-pos-bridge (pip install ./pos_plugins/bridge)",
    "pos_watch": "vehreg-pos-hotfolder (pip install ./pos_plugins/hotfolder)",
}

DbOption = Annotated[
    Path | None,
    typer.Option("--db", envvar="VEHREG_OUTBOX", help="The outbox file. 离线队列文件。"),
]
StoreOption = Annotated[
    str | None, typer.Option("--store", help="Default store id. 默认门店编号。")
]


def _command(name: str) -> Callable[..., Any]:
    from importlib.metadata import entry_points

    for ep in entry_points(group=CLI_GROUP, name=name):
        loaded: Callable[..., Any] = ep.load()
        return loaded
    typer.echo(
        f"This command needs {_PACKAGES[name]}. / 此命令需要先安装 {_PACKAGES[name]}。", err=True
    )
    raise typer.Exit(2)


def _warn_if_service_account(db: Path | None) -> None:
    """A service running with per-user folders would use another outbox and token."""
    from .._home import service_account_warning

    warning = service_account_warning(explicit_outbox=db is not None)
    if warning:
        typer.echo(warning, err=True)


@app.command("serve", help="Run the local POS bridge (clerk page + JSON API). 启动收银桥接服务。")
def serve(
    db: DbOption = None,
    host: str = typer.Option("127.0.0.1", help="Listen address (loopback only by default)."),
    port: int = typer.Option(8790, help="Port."),
    allow_remote: bool = typer.Option(False, "--allow-remote", help="Allow a non-loopback bind."),
    tls_cert: str | None = typer.Option(None, "--tls-cert", help="TLS certificate (PEM)."),
    tls_key: str | None = typer.Option(None, "--tls-key", help="TLS private key (PEM)."),
    store: StoreOption = None,
    frame_ancestor: Annotated[
        list[str] | None,
        typer.Option("--frame-ancestor", help="An origin allowed to embed the page in a frame."),
    ] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="With --allow-remote: a host name or address LAN clients use to reach the "
            "bridge (repeatable; needed for --host 0.0.0.0). 局域网访问所用的主机名或地址。",
        ),
    ] = None,
) -> None:
    run = _command("pos_serve")
    _warn_if_service_account(db)
    # A bind refused (exit 2), a busy port (exit 9), a damaged outbox (exit 5) or a missing
    # extra (exit 6) ends in one bilingual message: see ``_failures``.
    run(
        outbox_path=db,
        host=host,
        port=port,
        allow_remote=allow_remote,
        tls_cert=tls_cert,
        tls_key=tls_key,
        store_id=store,
        frame_ancestors=tuple(frame_ancestor or ()),
        allowed_hosts=tuple(allowed_host or ()),
        echo=typer.echo,
    )


@app.command("watch", help="Queue the sale files a POS drops into INBOX. 监视热文件夹。")
def watch(
    inbox: Path,
    db: DbOption = None,
    store: StoreOption = None,
    interval: float = typer.Option(1.0, help="Seconds between polls."),
    sync: bool = typer.Option(True, "--sync/--no-sync", help="Also send to the bureau."),
) -> None:
    run = _command("pos_watch")
    _warn_if_service_account(db)
    run(
        inbox=inbox, outbox_path=db, store_id=store, interval_s=interval, sync=sync, echo=typer.echo
    )


@app.command(
    "token",
    help="Show (or --rotate) the bridge's API token: from VEHREG_BRIDGE_TOKEN, the OS "
    "keyring, or (no keyring) an owner-only file. A running bridge takes a rotated token "
    "within seconds. 显示或更换接口令牌。",
)
def token(rotate: bool = typer.Option(False, "--rotate", help="Make a new token.")) -> None:
    typer.echo(_command("pos_token")(rotate=rotate))


@app.command("plugins", help="List the loaded POS plugins. 已加载的插件。")
def plugins() -> None:
    from ..pos import HOOKSPEC_VERSION, PluginHost

    host = PluginHost()
    typer.echo(f"hook specs / 接口版本 {HOOKSPEC_VERSION[0]}.{HOOKSPEC_VERSION[1]}")
    for info in host.plugins():
        origin = "built-in / 内置" if info.builtin else (info.distribution or "registered")
        typer.echo(f"  {info.name:<28} {origin:<22} {', '.join(info.hooks)}")
    for failure in host.failures:
        typer.echo(f"  ! {failure.plugin}: {failure.error}", err=True)
