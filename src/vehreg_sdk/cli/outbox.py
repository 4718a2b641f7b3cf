"""``vehreg outbox status | sync | retry ID | export --csv | migrate | keygen``: the offline
queue of one shop (a file), or a vendor hub's queue on PostgreSQL (``--db postgresql://...``)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._failures import EXIT_FAILED, EXIT_NO_INPUT, EXIT_OK, EXIT_UNREACHABLE, say

if TYPE_CHECKING:
    from ..outbox import Outbox

app = typer.Typer(no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="VEHREG_OUTBOX",
        help="The outbox file (default: the per-user data folder), or a hub's "
        "postgresql:// URL. 离线队列文件，或 PostgreSQL 地址。",
    ),
]
MaxAgeOption = Annotated[
    float,
    typer.Option("--max-age", help="Flag items older than this many hours. 超时提醒（小时）。"),
]


def _path(db: str | None) -> Path:
    from ..outbox import default_path

    return Path(db) if db is not None else default_path()


def _is_url(db: str | None) -> bool:
    return db is not None and db.startswith(("postgresql://", "postgres://"))


def _say_no_file(path: Path) -> None:
    say(
        f"No outbox file at {path}: nothing has been queued there (check --db or VEHREG_OUTBOX).",
        f"{path} 没有离线队列文件：此处尚未排队任何销售（请检查 --db 或 VEHREG_OUTBOX）。",
    )


def _open(db: str | None, *, missing_exit: int = EXIT_NO_INPUT) -> Outbox:
    """The outbox at ``db``; a file that is not there is reported, not created empty."""
    from ..outbox import Outbox

    if _is_url(db):
        return Outbox(db)
    path = _path(db)
    if not path.exists():
        _say_no_file(path)
        raise typer.Exit(missing_exit)
    return Outbox(path)


@app.command("status", help="Counts by state, and the items not yet done. 队列状态。")
def status(
    db: DbOption = None, max_age: MaxAgeOption = 24.0, as_json: bool = typer.Option(False, "--json")
) -> None:
    from ..outbox import TERMINAL_STATUSES, ItemStatus, status_text

    path = _path(db)
    if not _is_url(db) and not path.exists():  # nothing queued here yet: no file made
        _say_no_file(path)
        empty = {str(state): 0 for state in ItemStatus}
        if as_json:
            nothing = {"path": str(path), "counts": empty, "overdue": [], "open": []}
            typer.echo(json.dumps(nothing, ensure_ascii=False, indent=2))
            return
        typer.echo(f"outbox / 离线队列: {path}")
        for state in empty:
            typer.echo(f"  {state:<16} {0:>6}  {status_text(state, 'zh')}")
        return
    with _open(db) as outbox:
        health = outbox.health()
        counts = health.counts
        overdue = {i.local_id for i in outbox.overdue(timedelta(hours=max_age))}
        open_items = [i for i in outbox.list() if i.status not in TERMINAL_STATUSES]
        if as_json:
            body = {
                "path": outbox.location,
                "counts": counts,
                "overdue": sorted(overdue),
                "open": [i.summary("en") for i in open_items],
                "health": health.to_dict(),
            }
            typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
            return
        typer.echo(f"outbox / 离线队列: {outbox.location}")
        for state, count in counts.items():
            typer.echo(f"  {state:<16} {count:>6}  {status_text(state, 'zh')}")
        if health.oldest_pending_seconds is not None:
            age = health.oldest_pending_seconds
            typer.echo(
                f"  oldest pending / 最早未送达: {age:.0f} s ({health.pending} pending / 笔未送达)"
            )
        for item in open_items:
            s = item.summary("zh")
            flag = "  ⚠ overdue / 超时未登记" if item.local_id in overdue else ""
            typer.echo(
                f"  {s['local_id']}  {s['status']:<15} {s['vehicle_code']}  {s['owner_name']}"
                f"  {s['created_at']}{flag}"
            )
            for error in item.errors:
                typer.echo(
                    f"      {error.get('code')}: {error.get('message')} / {error.get('message_zh')}"
                )
        if overdue:
            typer.echo(
                f"{len(overdue)} item(s) older than {max_age:g} h: the bureau expects prompt "
                f"registration. / {len(overdue)} 笔超过 {max_age:g} 小时仍未登记，请尽快处理。"
            )


@app.command(
    "sync",
    help="Send what is due to the bureau (safe to run concurrently). 立即提交。\n\n"
    "Exit codes: 0 every due sale was handled (with --every: the loop was stopped by "
    "Ctrl+C, Ctrl+Break or a service stop); 1 a sale needs attention (a person must "
    "correct it); 7 no credentials or no usable keyring; 8 sales remain undelivered because "
    "the bureau is unreachable or did not answer (cron, Task Scheduler: try again later); "
    "5 the outbox file is damaged. --every N keeps running: one round every N seconds, "
    "backing off while the bureau is down; it ends only on a stop signal (0), missing "
    "credentials (7) or a damaged outbox (5). 退出码：0 已全部处理（--every：循环被 Ctrl+C、"
    "Ctrl+Break 或服务停止正常结束）；1 有销售需人工处理；7 未配置凭据或钥匙串不可用；"
    "8 车管所无法连接，仍有销售未送达；5 离线队列文件已损坏。--every N 每 N 秒同步一次，"
    "车管所不可用时逐步延长间隔。",
)
def sync(
    db: DbOption = None,
    limit: int | None = typer.Option(None, help="At most this many items."),
    every: float | None = typer.Option(
        None,
        "--every",
        min=0.1,
        help="Keep running: sync every this many seconds (a service, a task at boot). "
        "每隔 N 秒同步一次（作为服务运行）。",
    ),
    max_backoff: float = typer.Option(
        600.0,
        "--max-backoff",
        min=0.1,
        help="With --every: the longest wait while the bureau is down (s). 最长重试间隔（秒）。",
    ),
) -> None:
    from .._home import service_account_warning

    warning = service_account_warning(explicit_outbox=db is not None)
    if warning:
        typer.echo(warning, err=True)
    if every is None:
        code = _sync_round(db, limit)
        if code != EXIT_OK:
            raise typer.Exit(code)
        return
    from ._every import run_every
    from ._failures import exit_code_for

    def one_round() -> int:
        try:
            return _sync_round(db, limit, loop_every=every, max_backoff=max_backoff)
        except typer.Exit as done:
            return int(done.exit_code)
        except Exception as exc:  # reported bilingually (as at the root); the loop goes on
            return exit_code_for(exc, ("outbox", "sync"))

    from ..outbox._pg import redact_url

    where = redact_url(db) if db is not None and _is_url(db) else str(_path(db))
    typer.echo(f"syncing {where} every {every:g} s / 每 {every:g} 秒同步 {where}", err=True)
    raise typer.Exit(run_every(one_round, every_s=every, max_backoff_s=max_backoff))


def _sync_round(
    db: str | None,
    limit: int | None,
    *,
    loop_every: float | None = None,
    max_backoff: float = 600.0,
) -> int:
    """One sync of what is due; prints the counts and returns the exit code.

    In a loop (``loop_every``) a sale's own retry backoff starts at the loop's interval
    (at most 5 s) and is capped by ``--max-backoff`` too, and a missing file is quiet:
    nothing has been queued yet.
    """
    from .._client import VehregClient
    from ..outbox import DealerRouter, Outbox, load_dealers

    path = _path(db)
    if not _is_url(db) and not path.exists():
        if loop_every is None:
            _say_no_file(path)
        return EXIT_OK
    base, cap = (5.0, 600.0) if loop_every is None else (min(5.0, loop_every), max_backoff)
    # A hub with dealers configured (docs/hub.md) routes each sale to its dealer's keys.
    dealers = load_dealers()
    with (
        Outbox(
            db if _is_url(db) else path, retry_base_seconds=base, retry_max_seconds=cap
        ) as outbox,
        DealerRouter(dealers) if dealers else VehregClient() as client,
    ):
        report = outbox.sync(client, limit=limit)
        # Also those still in their backoff after an earlier run found the bureau down.
        waiting = {
            i.local_id
            for i in outbox.list(status="queued")
            if i.attempts > 0 and i.last_error_code != "idempotency.in_progress"
        }
    typer.echo(
        f"claimed {report.claimed}: plate assigned {len(report.plate_assigned)}, "
        f"needs attention {len(report.needs_attention)}, rejected {len(report.rejected)}, "
        f"retry later {len(report.retry_later)}"
    )
    typer.echo(
        f"处理 {report.claimed} 笔：已分配号牌 {len(report.plate_assigned)}，"
        f"需处理 {len(report.needs_attention)}，被拒绝 {len(report.rejected)}，"
        f"稍后重试 {len(report.retry_later)}"
    )
    undelivered = len(waiting | set(report.unreachable))
    if undelivered:
        typer.echo(
            f"{undelivered} sale(s) not delivered: the bureau is unreachable or did not "
            "answer; they stay queued and are sent on a later run.\n"
            f"{undelivered} 笔销售未能送达：车管所无法连接或未应答；"
            "销售仍在队列中，之后运行时自动提交。",
            err=True,
        )
        return EXIT_UNREACHABLE
    if report.needs_attention:
        return EXIT_FAILED
    return EXIT_OK


@app.command("retry", help="Queue a needs-attention item again now. 重新提交。")
def retry(local_id: str, db: DbOption = None) -> None:
    with _open(db) as outbox:
        item = outbox.retry(local_id, actor="cli")  # an OutboxError exits 1, bilingual
    typer.echo(f"{item.local_id}: queued again / 已重新排队")


@app.command("export", help="Export the outbox (personal data masked). 导出。")
def export(
    db: DbOption = None,
    csv_format: bool = typer.Option(True, "--csv", help="CSV (the only format)."),
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default: stdout).")
    ] = None,
    max_age: MaxAgeOption = 24.0,
) -> None:
    from ..outbox import export_csv

    with _open(db) as outbox:
        text = export_csv(outbox, max_age=timedelta(hours=max_age))
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8-sig")  # BOM: Excel then reads the Chinese
        typer.echo(f"wrote / 已导出 {output}")


@app.command(
    "migrate",
    help="Bring the outbox's schema to this version (idempotent; safe while workers run). "
    "升级离线队列的数据结构（可重复执行，同步进程运行时也安全）。",
)
def migrate(db: DbOption = None) -> None:
    if db is not None and _is_url(db):
        from ..outbox._pg import PostgresBackend

        backend = PostgresBackend.open(db, migrate=False, check=False)
        try:
            before, after = backend.migrate()
        finally:
            backend.close()
        where = backend.location
    else:  # a till's file migrates itself when opened (in one write transaction)
        with _open(db) as outbox:
            before, after = outbox.migrate()
            where = outbox.location
    if before == after:
        typer.echo(f"{where}: schema version {after}, up to date / 结构已是最新（{after}）")
    else:
        typer.echo(f"{where}: schema version {before} -> {after} / 结构版本 {before} → {after}")


@app.command(
    "keygen",
    help="Print a new master key for sealing personal data (VEHREG_OUTBOX_KEY). "
    "生成新的个人信息加密主密钥。",
)
def keygen() -> None:
    from ..outbox import generate_key

    typer.echo(generate_key())
