"""``vehreg bulk``: campus batches (and, with ``--kind car``, fleets) from a spreadsheet:
template, validate, submit. The car side is in :mod:`.bulk_car`.

Exit codes: 0 every row fine (``validate``) or registered (``submit``); 1 some
rows have errors or were not registered; 2 the file or the options are
unusable; 130 stopped with Ctrl-C (the command to resume is printed).
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._bulk_duplicates import announce_duplicates
from ._failures import needs_setup

if TYPE_CHECKING:
    from rich.console import Console

    from ..bulk.result import BulkResult
    from ..rules.config import RuleConfig

app = typer.Typer(no_args_is_help=True)

EXIT_ROWS, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130

CatalogueOption = Annotated[
    Path | None,
    typer.Option(
        "--catalogue",
        help="Catalogue snapshot JSON (from `vehreg bulk catalogue`). 产品目录快照。",
    ),
]
DateOption = Annotated[
    str | None,
    typer.Option("--date", help="Business date YYYY-MM-DD (default: today, Shanghai). 业务日期。"),
]
Under16Option = Annotated[
    str, typer.Option("--under-16", help="error|warning for owners under 16. 未满16周岁的处理。")
]
KindOption = Annotated[
    str, typer.Option("--kind", help="ebike (campus) or car (fleet). 车辆类别：ebike 或 car。")
]
OnsiteOption = Annotated[
    str | None,
    typer.Option("--onsite", help="Car channel: on-site inspection id (osi_…). 上门查验编号。"),
]
OwnerDupOption = Annotated[
    str,
    typer.Option("--owner-duplicates", help="error|warning for a repeated ID number. 证件号重复。"),
]


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _fail(message: str, message_zh: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"{message}\n{message_zh}", err=True)
    return typer.Exit(code)


def _business_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise _fail(
            f"--date {text!r} is not YYYY-MM-DD", f"--date {text!r} 格式应为 YYYY-MM-DD"
        ) from exc


def _config(under_16: str) -> RuleConfig:
    from ..rules.config import DEFAULT_CONFIG, MinorPolicy

    if under_16 not in ("error", "warning"):
        raise _fail("--under-16 is error or warning", "--under-16 应为 error 或 warning")
    if under_16 == "error":
        return DEFAULT_CONFIG
    return DEFAULT_CONFIG.replace(minor_policy=MinorPolicy(under_16_severity="warning"))


#: Where ``vehreg bulk catalogue`` saves the snapshot, and where ``validate`` looks for one.
SNAPSHOT_NAME = "vehreg-catalogue.json"


def _find_snapshot(file: Path) -> Path | None:
    """A snapshot next to the sheet, else in the current directory."""
    for candidate in (file.with_name(SNAPSHOT_NAME), Path.cwd() / SNAPSHOT_NAME):
        if candidate.is_file():
            return candidate
    return None


def _load_catalogue(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        entries = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise _fail(f"cannot read the catalogue {path}: {exc}", f"无法读取产品目录 {path}") from exc
    if isinstance(entries, dict):
        entries = entries.get("data", [])
    return {str(e["product_model"]).upper(): e for e in entries if isinstance(e, dict)}


@app.command("template")
def template(
    output: Annotated[Path, typer.Argument(help="File to write. 输出文件。")] = Path(
        "vehreg-bulk-template.xlsx"
    ),
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="xlsx|csv (default: from suffix). 格式。")
    ] = None,
    english_headers: Annotated[
        bool, typer.Option("--english-headers", help="English column names. 使用英文列名。")
    ] = False,
    catalogue: CatalogueOption = None,
    kind: KindOption = "ebike",
) -> None:
    """Write an empty sheet with Chinese headers and drop-downs. 生成批量登记模板。"""
    from ..bulk.template import TemplateFormat, write_template

    if format is not None and format not in ("xlsx", "csv"):
        raise _fail("--format is xlsx or csv", "--format 应为 xlsx 或 csv")
    chosen: TemplateFormat | None = "csv" if format == "csv" else "xlsx" if format else None
    if chosen is not None and output.suffix.lower() != f".{chosen}":
        output = output.with_suffix(f".{chosen}")
    _check_kind(kind)
    models = list(_load_catalogue(catalogue) or {}) if kind == "ebike" else []
    written = write_template(
        output, format=chosen, product_models=models, english_headers=english_headers, kind=kind
    )
    typer.echo(f"Template written 模板已生成: {written}")


@app.command("catalogue")
def catalogue(
    output: Annotated[Path, typer.Option("--out", "-o", help="JSON file. 输出文件。")] = Path(
        SNAPSHOT_NAME
    ),
) -> None:
    """Save the bureau's product catalogue for offline validation. 下载产品目录快照。"""
    from .._client import VehregClient
    from .._errors import VehregError

    try:
        with VehregClient() as client:
            entries = [m.model_dump(mode="json") for m in client.catalogue.list(limit=100)]
    except VehregError as exc:
        if needs_setup(exc):
            raise  # no credentials (exit 7), bureau unreachable (exit 8): see _failures
        raise _fail(f"cannot fetch the catalogue: {exc}", "无法获取产品目录") from exc
    output.write_text(json.dumps(entries, ensure_ascii=False, indent=1), "utf-8")
    typer.echo(f"{len(entries)} models saved 已保存 {len(entries)} 个型号: {output}")


def _default_report(file: Path) -> Path:
    return file.with_name(
        f"{file.stem}.report{'.xlsx' if file.suffix.lower() == '.xlsx' else '.csv'}"
    )


@app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help=".csv (UTF-8 or GBK) or .xlsx. 待检查的文件。")],
    report: Annotated[
        Path | None, typer.Option("--report", help="Report file (.csv or .xlsx). 报告文件。")
    ] = None,
    catalogue: CatalogueOption = None,
    business_date: DateOption = None,
    under_16: Under16Option = "error",
    owner_duplicates: OwnerDupOption = "error",
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", help="Worker processes for a large CSV. 并行进程数。"),
    ] = None,
    kind: KindOption = "ebike",
    onsite: Annotated[
        bool, typer.Option("--onsite", help="Cars: judge for the on-site channel. 按上门查验检查。")
    ] = False,
) -> None:
    """Check every row offline; report each problem with row and column. 离线检查。"""
    from ..bulk.console import print_summary
    from ..bulk.readers import SheetError
    from ..bulk.validate import validate_file

    console = _console()
    target = report or _default_report(file)
    _check_kind(kind)
    if kind == "car":
        from .bulk_car import validate_cars

        channel = "onsite_inspection_id" if onsite else "store_id"
        try:
            summary = validate_cars(file, target, on=_business_date(business_date), channel=channel)
        except (SheetError, OSError) as exc:
            raise _fail(*_messages(exc)) from exc
        print_summary(console, summary)
        if not summary.ok:
            raise typer.Exit(EXIT_ROWS)
        return
    catalogue = catalogue or _find_snapshot(file)
    try:
        summary = validate_file(
            file, on=_business_date(business_date), catalogue=_load_catalogue(catalogue),
            config=_config(under_16), report=target,
            owner_duplicates="warning" if owner_duplicates == "warning" else "error", jobs=jobs,
        )  # fmt: skip
    except (SheetError, OSError) as exc:
        raise _fail(*_messages(exc)) from exc
    if catalogue is None:
        console.print(
            "[dim]No catalogue snapshot (`vehreg bulk catalogue`): product models were not "
            "checked. 未找到产品目录快照：未核对产品型号。[/]"
        )
    else:
        console.print(f"[dim]Catalogue snapshot 产品目录快照: {catalogue}[/]")
    print_summary(console, summary)
    if not summary.ok:
        raise typer.Exit(EXIT_ROWS)


def _messages(exc: BaseException) -> tuple[str, str]:
    """English and Chinese text of an error (the SDK's errors carry both; a file error
    names the file in both languages)."""
    from ._failures import bilingual

    return bilingual(exc)


@app.command("submit")
def submit(
    file: Annotated[Path, typer.Argument(help=".csv or .xlsx to register. 待登记的文件。")],
    store: Annotated[
        str | None, typer.Option("--store", help="Store id (st_…). 门店编号。")
    ] = None,
    concurrency: Annotated[int, typer.Option(help="Requests in flight. 并发数。")] = 4,
    batch_size: Annotated[int, typer.Option(help="Items per batch (1-500). 每批条数。")] = 100,
    mode: Annotated[str, typer.Option(help="batch|single|auto. 提交方式。")] = "batch",
    journal: Annotated[
        Path | None, typer.Option(help="Journal file (resume with the same one). 日志文件。")
    ] = None,
    labels: Annotated[
        Path | None, typer.Option("--labels", help="A4 label sheet PDF. 号牌标签 PDF。")
    ] = None,
    catalogue: CatalogueOption = None,
    business_date: DateOption = None,
    under_16: Under16Option = "error",
    owner_duplicates: OwnerDupOption = "error",
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar. 不显示进度条。")] = False,
    kind: KindOption = "ebike",
    onsite: OnsiteOption = None,
) -> None:
    """Register every good row; report the others. Ctrl-C stops cleanly. 批量提交登记。"""
    from .._errors import VehregError
    from ..bulk.journal import JournalError
    from ..bulk.readers import SheetError
    from .bulk_car import car_channel, submit_with_progress

    console = _console()
    _check_kind(kind)
    channel = car_channel(store, onsite) if kind == "car" else None
    if kind == "car" and channel is None:
        raise _fail("cars: give --store or --onsite (one of them)",
                    "车辆批量登记：请指定 --store 或 --onsite 之一")  # fmt: skip
    if kind == "ebike" and (store is None or onsite is not None):
        raise _fail("e-bikes: give --store", "电动自行车批量登记：请指定 --store")
    journal_path = journal or file.with_name(f"{file.stem}.journal.sqlite")
    # The same command, every option included: the same chunks get the same batch keys.
    resume = _command(
        ["vehreg", "bulk", "submit", str(file), "--journal", str(journal_path),
         "--concurrency", str(concurrency), "--batch-size", str(batch_size)],
        store=(store, None), onsite=(onsite, None), kind=(kind, "ebike"),
        mode=(mode, "batch"), catalogue=(catalogue, None), date=(business_date, None),
        under_16=(under_16, "error"), owner_duplicates=(owner_duplicates, "error"),
        labels=(labels, None), quiet=(quiet, False),
    )  # fmt: skip
    config = _config(under_16)
    on = _business_date(business_date)
    snapshot = _load_catalogue(catalogue)
    if under_16 == "warning":
        console.print(
            "Owners under 16 are sent, flagged; the bureau applies its own rule and may refuse "
            "them (owner.under_16).\n未满16周岁的车主会提交并标记提示；是否登记由车管所按其规则决定"
            "（可能以 owner.under_16 退回）。"
        )
    try:
        announce_duplicates(console, file, owner_duplicates, kind)
        if channel is not None:
            result = asyncio.run(
                submit_with_progress(console, file, channel, concurrency, batch_size, mode,
                                     journal_path, on, quiet)
            )  # fmt: skip
        else:
            assert store is not None
            result = asyncio.run(
                _submit(console, file, store, concurrency, batch_size, mode, journal_path,
                        snapshot, on, config, owner_duplicates, quiet)
            )  # fmt: skip
    except KeyboardInterrupt:
        console.print(
            "\n[yellow]Stopped. Rows in flight are safe: the bureau keeps each row's key.[/]\n"
            "[yellow]已停止。未确认的行不会重复登记。[/]\n"
            "Resume with 继续运行:"
        )
        _print_command(console, resume)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (SheetError, JournalError, VehregError, OSError, ValueError) as exc:
        if needs_setup(exc):
            raise  # no credentials (exit 7), bureau unreachable (exit 8): see _failures
        raise _fail(*_messages(exc)) from exc
    _report(console, file, result, labels, resume, kind)


def _check_kind(kind: str) -> None:
    if kind not in ("ebike", "car"):
        raise _fail("--kind is ebike or car", "--kind 应为 ebike 或 car")


def _command(words: list[str], **options: tuple[Any, Any]) -> str:
    """A command line for this machine's shell (cmd.exe, PowerShell, POSIX): ``words``, then
    each option whose value is not its default."""
    for name, (value, default) in options.items():
        if value == default:
            continue
        flag = "--" + name.replace("_", "-")
        words += [flag] if value is True else [flag, str(value)]
    from ._shell import shell_join

    return shell_join(words)


def _print_command(console: Console, command: str) -> None:
    """A command to copy: one line however narrow the terminal, no markup read into it."""
    console.print(f"  {command}", markup=False, highlight=False, soft_wrap=True)


async def _submit(
    console: Console, file: Path, store: str, concurrency: int, batch_size: int, mode: str,
    journal: Path, catalogue: dict[str, Any] | None, on: date | None, config: RuleConfig,
    owner_duplicates: str, quiet: bool,
) -> BulkResult:  # fmt: skip
    from .._client import AsyncVehregClient
    from ..bulk.console import ProgressBar

    async with AsyncVehregClient() as client:
        bar: ProgressBar | None = None if quiet else ProgressBar(console, None)
        try:
            if bar is not None:
                bar.__enter__()
            return await client.bulk.submit(
                file, store_id=store, concurrency=concurrency, journal=journal,
                mode=mode,  # type: ignore[arg-type]
                batch_size=batch_size, on=on, catalogue=catalogue or "bureau", config=config,
                owner_duplicates=owner_duplicates, progress=bar,
            )  # fmt: skip
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)


def _report(
    console: Console,
    file: Path,
    result: BulkResult,
    labels: Path | None,
    resume: str,
    kind: str = "ebike",
) -> None:
    from rich.markup import escape

    from ..bulk.console import print_result
    from ._held_files import explain_rewrite, write_reports
    from .bulk_car import owner_names

    print_result(console, result, owner_names(file, kind))
    held = write_reports(console, file, result)  # a file Excel holds open is named
    if labels is not None and result.counts.registered and kind == "ebike":
        _labels(console, result, labels)
    if not result.complete:
        console.print(f"[yellow]Stopped early 提前停止: {escape(str(result.stop_reason))}[/]")
        console.print("Resume 继续:")
        _print_command(console, resume)
    if held:
        explain_rewrite(console, held, resume)
    if not result.ok or held:
        raise typer.Exit(EXIT_ROWS)


def _labels(console: Console, result: BulkResult, output: Path) -> None:
    from rich.markup import escape

    from .._client import VehregClient
    from ..labels import PlateLabel, render_sheet

    with VehregClient() as client:
        stores = {s.id: s for s in client.stores.list()}
        store = stores.get(result.store_id)
        if store is None:
            raise _fail(f"store {result.store_id} not found", f"门店 {result.store_id} 不存在")
        labels = [
            PlateLabel.from_registration(client.ebike_registrations.retrieve(reg_id), store)
            for _, reg_id, _ in result.plates()
        ]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(render_sheet(labels))
    console.print(f"Label sheet 标签页: {escape(str(output))} ({len(labels)} labels 张)")
