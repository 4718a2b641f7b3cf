"""``vehreg sandbox serve``: run the sandbox bureau and print ready-to-paste credentials."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..sandbox.seed import DemoDealer

app = typer.Typer(no_args_is_help=True)

DEFAULT_PORT = 8780
DEFAULT_DB = Path("vehreg-sandbox.db")
DEFAULT_RATE_LIMIT = 50.0
DEFAULT_REVIEW_DELAY = 2.0


def banner(
    base_url: str,
    dealers: tuple[DemoDealer, ...],
    *,
    db_path: Path,
    review_delay: float,
    rate_limit: float | None,
) -> str:
    """What ``serve`` prints: where it listens and each demo dealer's environment lines."""
    limit = f"{rate_limit:g} requests/s per dealer" if rate_limit else "off"
    lines = [
        f"vehreg sandbox bureau: {base_url}  (沙箱车管所已启动)",
        f"  database      {db_path}",
        f"  review delay  {review_delay:g} s",
        f"  rate limit    {limit}",
        f"  contract      {base_url}/openapi.json",
        "",
    ]
    for number, dealer in enumerate(dealers, start=1):
        lines += [
            f"# Dealer {number}: {dealer.name}  stores: {', '.join(dealer.store_ids)}",
            "# bash / zsh:",
            f"export VEHREG_BASE_URL={base_url}",
            f"export VEHREG_APP_KEY={dealer.app_key}",
            f"export VEHREG_APP_SECRET={dealer.app_secret}",
            "# PowerShell:",
            f'$env:VEHREG_BASE_URL="{base_url}"; $env:VEHREG_APP_KEY="{dealer.app_key}"; '
            f'$env:VEHREG_APP_SECRET="{dealer.app_secret}"',
            "",
        ]
    lines.append("Press Ctrl+C to stop. 按 Ctrl+C 停止。")
    return "\n".join(lines)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind. 监听地址。")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (0: any free port). 端口。")] = DEFAULT_PORT,
    db: Annotated[
        Path, typer.Option(help="SQLite file; state survives restarts. 数据库文件。")
    ] = DEFAULT_DB,
    review_delay: Annotated[
        float, typer.Option(help="Seconds until the police review. 复核延迟（秒）。")
    ] = DEFAULT_REVIEW_DELAY,
    rate_limit: Annotated[
        float, typer.Option(help="Requests/s per dealer; 0 turns it off. 限流（次/秒）。")
    ] = DEFAULT_RATE_LIMIT,
) -> None:
    """Serve the sandbox bureau until Ctrl+C. 运行沙箱车管所。"""
    try:
        import uvicorn

        from ..sandbox import DEMO_DEALERS, create_app
    except ImportError as exc:  # the server is an extra
        raise typer.BadParameter(
            "the sandbox needs its extra: pip install 'vehreg-sdk[sandbox]' "
            "(沙箱需要安装 sandbox 扩展)"
        ) from exc
    application = create_app(db, review_delay, rate_limit or None)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only
    # when the listening socket says TCP; without it every response waits ~40 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise typer.BadParameter(f"cannot listen on {host}:{port}: {exc} (端口不可用)") from exc
    bound_port = int(sock.getsockname()[1])
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
    shown_host = f"[{shown_host}]" if ":" in shown_host else shown_host
    base_url = f"http://{shown_host}:{bound_port}"
    typer.echo(
        banner(
            base_url,
            DEMO_DEALERS,
            db_path=db.resolve(),
            review_delay=review_delay,
            rate_limit=rate_limit or None,
        )
    )
    config = uvicorn.Config(application, log_level="warning", lifespan="on", ws="none")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
