"""``vehreg sandbox serve``: run the sandbox bureau and print ready-to-paste credentials."""

from __future__ import annotations

import os
import socket
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ..sandbox.seed import DemoDealer

app = typer.Typer(no_args_is_help=True)

DEFAULT_PORT = 8780
DEFAULT_DB = Path("vehreg-sandbox.db")
DEFAULT_RATE_LIMIT = 50.0
DEFAULT_REVIEW_DELAY = 2.0
#: The sandbox's plate pattern (``create_app(plate_format=...)``); kept here so that
#: ``--help`` works without the sandbox extra.
DEFAULT_PLATE_FORMAT = "苏G{serial:06d}"
DEFAULT_PLATE_CAPACITY = 999_999


def check_plate_format(plate_format: str, plate_capacity: int = DEFAULT_PLATE_CAPACITY) -> str:
    """``plate_format`` if it numbers plates; else :class:`typer.BadParameter` (both languages).

    A usable pattern is a ``str.format`` pattern whose only field is ``{serial}`` (an
    integer from 1 to ``plate_capacity``) and that gives a different plate for every
    serial, such as ``苏G{serial:06d}`` or ``苏GD{serial:05d}``.
    """
    if plate_capacity < 1:
        raise typer.BadParameter(
            f"the plate capacity must be at least 1, not {plate_capacity} (号牌容量至少为 1)",
            param_hint="'--plate-capacity'",
        )
    shown = repr(plate_format)
    if "{serial" not in plate_format:
        raise typer.BadParameter(
            f"{shown} has no {{serial}} field, so every plate would be the same; "
            "example: '苏G{serial:06d}' "
            "(号牌格式缺少 {serial} 序号字段，例如 '苏G{serial:06d}')",
            param_hint="'--plate-format'",
        )
    try:
        serials = sorted({1, min(2, plate_capacity), plate_capacity})
        samples = [plate_format.format(serial=n) for n in serials]
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
        reason = f"{type(exc).__name__}: {exc}"
        raise typer.BadParameter(
            f"{shown} is not a usable pattern ({reason}); use str.format syntax with one "
            "{serial} field, such as '苏G{serial:06d}' "
            "(号牌格式无效：请使用 str.format 语法，只含一个 {serial} 字段，"
            "例如 '苏G{serial:06d}')",
            param_hint="'--plate-format'",
        ) from None
    if len(set(samples)) < len(samples) or not all(s.strip() for s in samples):
        raise typer.BadParameter(
            f"{shown} gives the same plate for different serials "
            f"({', '.join(map(repr, samples))}); the {{serial}} field must be printed "
            "(号牌格式必须输出 {serial} 序号，否则不同车辆会得到相同号牌)",
            param_hint="'--plate-format'",
        )
    return plate_format


def banner(
    base_url: str,
    dealers: tuple[DemoDealer, ...],
    *,
    db_path: Path | str,
    review_delay: float,
    rate_limit: float | None,
    plate_format: str = DEFAULT_PLATE_FORMAT,
    workers: int = 1,
) -> str:
    """What ``serve`` prints: where it listens and each demo dealer's environment lines.

    ``db_path``: the SQLite file, or the PostgreSQL URL (printed without its password).
    """
    limit = f"{rate_limit:g} requests/s per dealer" if rate_limit else "off"
    lines = [
        f"vehreg sandbox bureau: {base_url}  (沙箱车管所已启动)",
        f"  database      {_shown_database(db_path)}",
        f"  workers       {workers}",
        f"  review delay  {review_delay:g} s",
        f"  rate limit    {limit}",
        f"  plates        {plate_format.format(serial=1)}, {plate_format.format(serial=2)}, ...",
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
        str,
        typer.Option(
            help="A SQLite file (the default; state survives restarts), or a PostgreSQL URL "
            "postgresql://user:password@host:5432/name shared by several workers (needs the "
            "postgres extra). SQLite 数据库文件，或多个工作进程共用的 PostgreSQL 地址。",
        ),
    ] = str(DEFAULT_DB),
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes serving the port (more than 1: use --db postgresql://...). "
            "工作进程数（多于 1 个时请使用 PostgreSQL）。",
        ),
    ] = 1,
    review_delay: Annotated[
        float, typer.Option(help="Seconds until the police review. 复核延迟（秒）。")
    ] = DEFAULT_REVIEW_DELAY,
    rate_limit: Annotated[
        float, typer.Option(help="Requests/s per dealer; 0 turns it off. 限流（次/秒）。")
    ] = DEFAULT_RATE_LIMIT,
    plate_format: Annotated[
        str,
        typer.Option(
            help="Plate pattern, str.format with {serial}. 号牌格式（含 {serial} 序号）。",
        ),
    ] = DEFAULT_PLATE_FORMAT,
    plate_capacity: Annotated[
        int,
        typer.Option(help="Highest plate serial. 号牌序号上限。"),
    ] = DEFAULT_PLATE_CAPACITY,
    under_16: Annotated[
        str,
        typer.Option(
            "--under-16",
            help="error|warning: refuse owners under 16, or register them (a campus bureau). "
            "未满16周岁车主：拒绝或登记。",
        ),
    ] = "error",
) -> None:
    """Serve the sandbox bureau until Ctrl+C. 运行沙箱车管所。"""
    check_plate_format(plate_format, plate_capacity)
    from ._failures import EXIT_PORT_BUSY, missing_extra, say

    if under_16 not in ("error", "warning"):
        raise typer.BadParameter("--under-16 is error or warning (应为 error 或 warning)")
    shared = db.startswith(("postgresql://", "postgres://"))
    if workers > 1 and not shared:
        raise typer.BadParameter(
            "several workers share one PostgreSQL database: pass --db postgresql://... "
            "(多个工作进程须共用一个 PostgreSQL 数据库，请用 --db postgresql://... 指定)",
            param_hint="'--workers'",
        )
    database: Path | str = db if shared else Path(db)
    try:
        import uvicorn

        from ..sandbox import DEMO_DEALERS
        from ..sandbox.workers import SETTINGS_VARIABLE, WorkerSettings, app_from_environment

        if shared:
            import psycopg  # noqa: F401  (the postgres extra)
    except ImportError as exc:  # the server and the PostgreSQL driver are extras
        raise typer.Exit(missing_extra(exc.name or "uvicorn", ("sandbox", "serve"))) from None
    os.environ[SETTINGS_VARIABLE] = WorkerSettings(
        db=str(database if shared else Path(db).resolve()),
        review_delay=review_delay,
        rate_limit=rate_limit or None,
        plate_format=plate_format,
        plate_capacity=plate_capacity,
        under_16=under_16,
    ).to_environment()
    # Built here too when one process serves: a database that cannot be opened says so
    # before the banner, and N workers find the schema made.
    application = _open_or_exit(app_from_environment, database)
    if workers > 1:
        application.state.bureau.db.close()  # the workers open their own connections
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only
    # when the listening socket says TCP; without it every response waits ~40 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = exc.strerror or type(exc).__name__
        say(
            f"cannot listen on {host}:{port} ({reason}): is another sandbox or program using "
            "the port? Stop it, or choose another one with --port.",
            f"无法监听 {host}:{port}（{reason}）：端口可能已被另一个沙箱或程序占用。"
            "请先关闭它，或用 --port 换一个端口。",
        )
        raise typer.Exit(EXIT_PORT_BUSY) from None
    bound_port = int(sock.getsockname()[1])
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
    shown_host = f"[{shown_host}]" if ":" in shown_host else shown_host
    base_url = f"http://{shown_host}:{bound_port}"
    typer.echo(
        banner(
            base_url,
            DEMO_DEALERS,
            db_path=database if shared else Path(db).resolve(),
            review_delay=review_delay,
            rate_limit=rate_limit or None,
            plate_format=plate_format,
            workers=workers,
        )
    )
    try:
        if workers == 1:
            config = uvicorn.Config(application, log_level="warning", lifespan="on", ws="none")
            uvicorn.Server(config).run(sockets=[sock])
        else:
            from uvicorn.supervisors import Multiprocess

            # Each worker builds its own app from the environment, on the same database;
            # uvicorn restarts a worker that dies.
            config = uvicorn.Config(
                "vehreg_sdk.sandbox.workers:app_from_environment",
                factory=True,
                workers=workers,
                log_level="warning",
                lifespan="on",
                ws="none",
            )
            Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()


def _shown_database(target: Path | str) -> str:
    """The SQLite path, or the PostgreSQL URL without its password."""
    import re

    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", str(target))


def _open_or_exit(factory: Any, database: Path | str) -> Any:
    """The app, or exit 1 naming the database when it cannot be opened (no traceback)."""
    from ._failures import say

    try:
        return factory()
    except (sqlite3.Error, OSError, RuntimeError) as exc:
        shown = _shown_database(database)
        say(
            f"cannot open the sandbox database {shown}: {exc}",
            f"无法打开沙箱数据库 {shown}：{exc}",
        )
        raise typer.Exit(1) from None
