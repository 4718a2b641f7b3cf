"""``vehreg outbox status | sync | retry ID | export --csv``: the offline queue of one shop."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..outbox import Outbox

app = typer.Typer(no_args_is_help=True)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="VEHREG_OUTBOX",
        help="The outbox file (default: the per-user data folder). 离线队列文件。",
    ),
]
MaxAgeOption = Annotated[
    float,
    typer.Option("--max-age", help="Flag items older than this many hours. 超时提醒（小时）。"),
]


def _open(db: Path | None) -> Outbox:
    from ..outbox import Outbox

    return Outbox(db)


@app.command("status", help="Counts by state, and the items not yet done. 队列状态。")
def status(
    db: DbOption = None, max_age: MaxAgeOption = 24.0, as_json: bool = typer.Option(False, "--json")
) -> None:
    from ..outbox import TERMINAL_STATUSES, status_text

    with _open(db) as outbox:
        counts = outbox.counts()
        overdue = {i.local_id for i in outbox.overdue(timedelta(hours=max_age))}
        open_items = [i for i in outbox.list() if i.status not in TERMINAL_STATUSES]
        if as_json:
            body = {
                "path": str(outbox.path),
                "counts": counts,
                "overdue": sorted(overdue),
                "open": [i.summary("en") for i in open_items],
            }
            typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
            return
        typer.echo(f"outbox / 离线队列: {outbox.path}")
        for state, count in counts.items():
            typer.echo(f"  {state:<16} {count:>6}  {status_text(state, 'zh')}")
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


@app.command("sync", help="Send what is due to the bureau (safe to run concurrently). 立即提交。")
def sync(
    db: DbOption = None,
    limit: int | None = typer.Option(None, help="At most this many items."),
) -> None:
    from .._client import VehregClient

    with _open(db) as outbox, VehregClient() as client:
        report = outbox.sync(client, limit=limit)
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
    if report.bureau_unreachable:
        typer.echo(
            "The bureau is unreachable; the sales stay queued. / 车管所无法连接，销售仍在队列中。"
        )


@app.command("retry", help="Queue a needs-attention item again now. 重新提交。")
def retry(local_id: str, db: DbOption = None) -> None:
    from ..outbox import OutboxError

    with _open(db) as outbox:
        try:
            item = outbox.retry(local_id, actor="cli")
        except OutboxError as exc:
            typer.echo(f"{exc.message} / {exc.message_zh}", err=True)
            raise typer.Exit(1) from None
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
