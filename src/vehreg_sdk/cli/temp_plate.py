"""``vehreg temp-plate``: request, print and verify temporary plates (临时行驶车号牌).

``request BODY.json`` sends a ``POST /v1/temporary-plates`` body (the same JSON the contract
shows) with the configured client, after the local rules; ``print ID`` writes the paper plate
(a store authorised to print temporary plates) or the buyer's receipt (any other store) as PDF
or PNG; ``verify`` is ``vehreg label verify`` for a temporary plate. Exit codes: docs/cli.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from .label import AtOption, BaseUrlOption, JwksOption, StatusOption, VinOption, _fail

app = typer.Typer(no_args_is_help=True)


def _body(path: Path) -> dict[str, Any]:
    try:
        body = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise _fail(
            f"{path} is not JSON: {exc}", f"{path} 不是有效的 JSON 文件（第 {exc.lineno} 行）", 5
        ) from exc
    if not isinstance(body, dict):
        raise _fail(f"{path} must hold one JSON object", f"{path} 应为一个 JSON 对象", 5)
    return body


@app.command("request")
def request(
    body_file: Annotated[
        Path,
        typer.Argument(help="JSON body of POST /v1/temporary-plates. 申请内容（JSON 文件）。"),
    ],
    wait: Annotated[
        bool, typer.Option("--wait", help="Wait until it is issued. 等待签发。")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait. 等待时间（秒）。")] = 60.0,
) -> None:
    """Request a temporary plate; the local rules run first. 申领临时号牌。"""
    from .._client import VehregClient
    from ..resources.temporary_plates import build_request

    # The rules first, on the file as it is: every missing or wrong field named at once.
    checked = build_request(_body(body_file)).model_dump(exclude_none=True)
    with VehregClient() as client:
        plate = client.temporary_plates.create(**checked)
        if wait:
            plate = client.temporary_plates.wait(plate.id, timeout=timeout)
    typer.echo(f"{plate.id}: {plate.status} (issue / 第 {plate.issue_number} 次)")
    if plate.plate_number:
        typer.echo(
            f"plate / 号牌 {plate.plate_number}  valid / 有效期 {plate.valid_from} – "
            f"{plate.last_valid_day}  delivery / 交付 {plate.delivery.method} "
            f"{plate.delivery.status}"
        )


@app.command("print")
def print_(
    temporary_plate_id: Annotated[str, typer.Argument(help="Temporary plate id. 临时号牌编号。")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output file. 输出文件。")],
    format: Annotated[str, typer.Option("--format", "-f", help="pdf|png. 输出格式。")] = "pdf",
    paper: Annotated[str, typer.Option("--paper", help="A5 or A4. 纸张。")] = "A5",
    dpi: Annotated[int, typer.Option("--dpi", help="PNG resolution. PNG 分辨率。")] = 200,
) -> None:
    """Print the paper plate (authorised stores) or the buyer's receipt. 打印临时号牌或回执。"""
    from .._client import VehregClient
    from ..labels import LabelError, TemporaryPlateSheet, render_temporary_plate

    with VehregClient() as client:
        plate = client.temporary_plates.retrieve(temporary_plate_id)
        store = next((s for s in client.stores.list() if s.id == plate.store_id), None)
    if store is None:
        raise _fail(
            f"store {plate.store_id} of {temporary_plate_id} is not one of your stores",
            f"临时号牌 {temporary_plate_id} 的门店 {plate.store_id} 不在本经销商门店列表中",
        )
    try:
        sheet = TemporaryPlateSheet.from_plate(plate, store)
        data = render_temporary_plate(sheet, format, paper=paper, dpi=dpi)
    except LabelError as exc:
        raise _fail(exc.message, exc.message_zh) from exc
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    what = (
        ("plate", "号牌")
        if sheet.is_plate
        else ("receipt (the plate is mailed)", "回执（号牌邮寄）")
    )
    typer.echo(f"{plate.plate_number} {what[0]} / {what[1]}: {output} ({len(data)} bytes / 字节)")


@app.command("verify")
def verify(
    source: Annotated[
        str, typer.Argument(help="Plate file (PDF, PNG), token or URI. 临时号牌文件、令牌或链接。")
    ],
    jwks_file: JwksOption = None,
    base_url: BaseUrlOption = None,
    status_file: StatusOption = None,
    vin: VinOption = None,
    at: AtOption = None,
) -> None:
    """Check a temporary plate offline: genuine, this car, valid now (or --at). 核验临时号牌。"""
    from ._plate_verify import verify_source

    verify_source(source, jwks_file, base_url, status_file, vin=vin, at=at)
