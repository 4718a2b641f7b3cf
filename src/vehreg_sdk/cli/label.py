"""``vehreg label``: render, print and verify plate labels.

Exit codes of ``verify``: 0 genuine; 3 tampered (or forged); 4 signed by an unknown key;
5 no readable token (or no keys, or an unreadable status list); 6 revoked (the registration
was cancelled or rejected); 7 a temporary plate outside its validity. ``render`` and
``print`` exit 1 on a printer or data error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._failures import needs_setup

if TYPE_CHECKING:
    from ..labels import PlateLabel

app = typer.Typer(no_args_is_help=True)

EXIT_TAMPERED, EXIT_UNKNOWN_KEY, EXIT_UNREADABLE = 3, 4, 5
EXIT_REVOKED, EXIT_NOT_VALID_NOW = 6, 7

FormatOption = Annotated[
    str, typer.Option("--format", "-f", help="png|svg|pdf|tspl|zpl|escpos. 输出格式。")
]
SizeOption = Annotated[str, typer.Option("--size", help="50x30 or 60x40 (mm). 标签尺寸。")]
DpiOption = Annotated[int, typer.Option("--dpi", help="203 or 300. 打印分辨率。")]
RasterOption = Annotated[
    bool,
    typer.Option("--raster", help="ESC/POS: send an image (GS v 0). 以图像方式打印（ESC/POS）。"),
]
PrinterFontsOption = Annotated[
    bool,
    typer.Option(
        "--printer-fonts",
        help="TSPL/ZPL/ESC/POS: use the printer's Chinese font instead of bitmaps. "
        "使用打印机内置中文字体（默认以位图打印文字）。",
    ),
]


def _fail(message: str, message_zh: str, code: int = 1) -> typer.Exit:
    typer.echo(f"{message}\n{message_zh}", err=True)
    return typer.Exit(code)


def _label_for(registration_id: str) -> PlateLabel:
    """Fetch the registration and its store with the configured client, and build the label."""
    from .._client import VehregClient
    from .._errors import VehregError
    from ..labels import LabelError, PlateLabel

    try:
        with VehregClient() as client:
            registration = client.ebike_registrations.retrieve(registration_id)
            store = next((s for s in client.stores.list() if s.id == registration.store_id), None)
    except VehregError as exc:
        if needs_setup(exc):
            raise  # no credentials (exit 7), bureau unreachable (exit 8): see _failures
        raise _fail(f"cannot fetch {registration_id}: {exc}", "无法获取登记记录") from exc
    if store is None:
        raise _fail(
            f"store {registration.store_id} of {registration_id} is not one of your stores",
            f"登记 {registration_id} 的门店 {registration.store_id} 不在本经销商门店列表中",
        )
    try:
        return PlateLabel.from_registration(registration, store)
    except LabelError as exc:
        raise _fail(exc.message, exc.message_zh) from exc


@app.command("render")
def render(
    registration_id: Annotated[str, typer.Argument(help="Registration id. 登记编号。")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output file. 输出文件。")],
    format: FormatOption = "png",
    size: SizeOption = "50x30",
    dpi: DpiOption = 203,
    raster: RasterOption = False,
    printer_fonts: PrinterFontsOption = False,
) -> None:
    """Render the plate label of a registration to a file. 生成号牌标签文件。"""
    from ..labels import LabelError
    from ..labels import render as render_label

    label = _label_for(registration_id)
    try:
        data = render_label(
            label, format, size=size, dpi=dpi, raster=raster, printer_fonts=printer_fonts
        )
    except LabelError as exc:
        raise _fail(exc.message, exc.message_zh) from exc
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    typer.echo(f"{label.plate_number}: {output} ({len(data)} bytes / 字节)")


@app.command("print")
def print_(
    registration_id: Annotated[str, typer.Argument(help="Registration id. 登记编号。")],
    printer: Annotated[
        str,
        typer.Option(
            "--printer",
            "-p",
            help="tcp://HOST:9100 | file:PATH | dev:/dev/usb/lp0 | stdout. 打印机地址。",
        ),
    ],
    format: FormatOption = "tspl",
    size: SizeOption = "50x30",
    dpi: DpiOption = 203,
    raster: RasterOption = False,
    timeout: Annotated[float, typer.Option(help="Seconds. 超时（秒）。")] = 5.0,
    printer_fonts: PrinterFontsOption = False,
) -> None:
    """Print the plate label of a registration. 打印号牌标签。"""
    from ..labels import LabelError, print_label

    label = _label_for(registration_id)
    try:
        data = print_label(
            label,
            printer,
            format=format,
            size=size,
            dpi=dpi,
            timeout=timeout,
            raster=raster,
            printer_fonts=printer_fonts,
        )
    except LabelError as exc:
        raise _fail(exc.message, exc.message_zh) from exc
    except ValueError as exc:
        raise _fail(str(exc), "打印机地址无效") from exc
    if printer.strip() not in {"stdout", "-"}:
        typer.echo(f"{label.plate_number}: {len(data)} bytes sent to {printer} / 已发送")


def default_jwks_path() -> Path:
    """Where ``verify`` keeps its offline copy of the bureau's keys."""
    from ..credentials import config_path

    return config_path().with_name("jwks.json")


def _read_token(source: str) -> str:
    """The token in a label file (image, SVG, PDF or printer job), or ``source`` itself."""
    path = Path(source)
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a token is longer than any file name allows
        is_file = False
    if not is_file:
        return source
    from ..labels.read import LabelReadError, read_token

    try:
        return read_token(path)
    except ImportError as exc:
        raise _fail(
            "reading label files needs the labels extra: pip install 'vehreg-sdk[labels]'",
            "读取标签文件需要安装 labels 扩展：pip install 'vehreg-sdk[labels]'",
            EXIT_UNREADABLE,
        ) from exc
    except LabelReadError as exc:
        raise _fail(exc.message, exc.message_zh, EXIT_UNREADABLE) from exc
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc}", f"无法读取文件 {path}", EXIT_UNREADABLE) from exc


def _jwks(jwks_file: Path | None, base_url: str | None) -> dict[str, Any]:
    from .. import plates

    if jwks_file is not None:
        return plates.load_jwks(jwks_file)
    cached = default_jwks_path()
    url = base_url or os.environ.get("VEHREG_BASE_URL")
    if url is None:
        from ..credentials import load_config

        url = load_config().get("base_url")
    if url:
        import httpx

        try:
            from .._options import default_timeout

            response = httpx.get(url.rstrip("/") + "/v1/keys", timeout=default_timeout())
            response.raise_for_status()
            jwks: dict[str, Any] = response.json()
            plates.save_jwks(cached, jwks)
            return jwks
        except (httpx.HTTPError, ValueError) as exc:
            if not cached.is_file():
                raise _fail(
                    f"cannot fetch the bureau's keys from {url}: {exc}",
                    f"无法从 {url} 获取车管所公钥",
                    EXIT_UNREADABLE,
                ) from exc
            typer.echo(f"offline: using the saved keys {cached} / 离线：使用已保存的公钥", err=True)
    if cached.is_file():
        return plates.load_jwks(cached)
    raise _fail(
        "no key set: pass --jwks FILE, or --base-url / VEHREG_BASE_URL to fetch /v1/keys once",
        "没有公钥：请用 --jwks 指定文件，或用 --base-url / VEHREG_BASE_URL 获取一次 /v1/keys",
        EXIT_UNREADABLE,
    )


def _age(seconds: float) -> str:
    hours = seconds / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def _load_status(status_file: Path, jwks: dict[str, Any]) -> Any:
    from .. import plates

    try:
        return plates.load_status(status_file, jwks)
    except plates.PlateTokenError as exc:
        raise _fail(exc.message, exc.message_zh, EXIT_UNREADABLE) from exc


#: ``--vin``: check the token names this car (a temporary plate carries a digest of its VIN).
VinOption = Annotated[
    str | None,
    typer.Option("--vin", help="The VIN read off the car: the plate must name it. 车辆识别代号。"),
]
#: ``--at``: judge the validity at another moment (a temporary plate on the day of a stop).
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="Check as of this time (ISO 8601, e.g. 2026-12-01T08:00+08:00). 按指定时间核验。",
    ),
]
JwksOption = Annotated[
    Path | None,
    typer.Option("--jwks", help="Offline copy of GET /v1/keys. 离线公钥文件。"),
]
BaseUrlOption = Annotated[str | None, typer.Option("--base-url", help="Bureau URL. 车管所地址。")]
StatusOption = Annotated[
    Path | None,
    typer.Option(
        "--status",
        help="Cached plate status list (vehreg label status FILE). 号牌状态列表缓存文件。",
    ),
]


@app.command("verify")
def verify(
    source: Annotated[
        str,
        typer.Argument(
            help="Label file (PNG, SVG, PDF, ZPL, TSPL, ESC/POS), token or URI. "
            "标签文件、令牌或链接。"
        ),
    ],
    jwks_file: JwksOption = None,
    base_url: BaseUrlOption = None,
    status_file: StatusOption = None,
    vin: VinOption = None,
    at: AtOption = None,
) -> None:
    """Check a plate label offline: genuine, tampered, unknown key, revoked or expired.
    核验号牌标签真伪与状态。"""
    from ._plate_verify import verify_source

    verify_source(source, jwks_file, base_url, status_file, vin=vin, at=at)


@app.command("status")
def status(
    status_file: Annotated[
        Path, typer.Argument(help="Cache file to create or update. 状态列表缓存文件。")
    ],
    jwks_file: Annotated[
        Path | None,
        typer.Option("--jwks", help="Offline copy of GET /v1/keys. 离线公钥文件。"),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Bureau URL. 车管所地址。")
    ] = None,
) -> None:
    """Fetch the bureau's plate status list (only what is new) into FILE, for offline checks.
    下载号牌状态列表（增量）。"""
    import httpx

    from .. import plates

    jwks = _jwks(jwks_file, base_url)
    current = _load_status(status_file, jwks) if status_file.is_file() else None
    url = base_url or os.environ.get("VEHREG_BASE_URL")
    if url is None:
        from ..credentials import load_config

        url = load_config().get("base_url")
    if not url:
        raise _fail(
            "no bureau URL: pass --base-url or set VEHREG_BASE_URL",
            "没有车管所地址：请用 --base-url 或设置 VEHREG_BASE_URL",
            EXIT_UNREADABLE,
        )
    since = current.version if current is not None else 0
    try:
        response = httpx.get(
            url.rstrip("/") + "/v1/plate-status", params={"since": since}, timeout=10.0
        )
        response.raise_for_status()
        fetched = plates.verify_status(response.json(), jwks)
        updated = fetched if current is None else current.updated(fetched)
    except (httpx.HTTPError, ValueError) as exc:
        raise _fail(
            f"cannot fetch the plate status list from {url}: {exc}",
            f"无法从 {url} 获取号牌状态列表",
            EXIT_UNREADABLE,
        ) from exc
    except plates.PlateTokenError as exc:
        raise _fail(exc.message, exc.message_zh, EXIT_UNREADABLE) from exc
    plates.save_status(status_file, updated)
    typer.echo(
        f"status list version {updated.version}, {len(updated.revoked)} revoked / "
        f"状态列表版本 {updated.version}，已作废 {len(updated.revoked)} 个: {status_file}"
    )
