"""The verdict of ``vehreg label verify`` and ``vehreg temp-plate verify``: one function, one
set of exit codes (docs/cli.md): 0 genuine; 3 tampered, or a genuine plate of another vehicle
(``--vin``); 4 unknown key; 5 unreadable; 6 revoked; 7 a temporary plate outside its validity.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer

from .label import (
    EXIT_NOT_VALID_NOW,
    EXIT_REVOKED,
    EXIT_TAMPERED,
    EXIT_UNKNOWN_KEY,
    EXIT_UNREADABLE,
    _age,
    _fail,
    _jwks,
    _load_status,
    _read_token,
)


def _moment(at: str | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(at.strip())
    except ValueError as exc:
        raise _fail(
            f"--at {at!r} is not an ISO 8601 time (2026-12-01T08:00+08:00)",
            f"--at {at!r} 不是 ISO 8601 时间（如 2026-12-01T08:00+08:00）",
            2,
        ) from exc
    if moment.tzinfo is None:  # a wall-clock time at the roadside: Asia/Shanghai
        from ..labels.model import SHANGHAI

        moment = moment.replace(tzinfo=SHANGHAI)
    return moment


def _validity(start: datetime, end: datetime) -> str:
    """The validity as the paper plate prints it: Asia/Shanghai days, both inclusive (``exp``
    is the first instant after the last day)."""
    from ..labels.model import SHANGHAI

    first = start.astimezone(SHANGHAI).date()
    last = (end - timedelta(seconds=1)).astimezone(SHANGHAI).date()
    return (
        f"temporary plate valid / 临时号牌有效期 {first.isoformat()} – {last.isoformat()} "
        f"(Asia/Shanghai, inclusive / 北京时间，含首尾两日; until / 至 "
        f"{end.isoformat(timespec='seconds')})"
    )


def verify_source(
    source: str,
    jwks_file: Path | None,
    base_url: str | None,
    status_file: Path | None,
    *,
    vin: str | None = None,
    at: str | None = None,
) -> None:
    """Print the verdict on ``source`` (a label file, token or URI) and exit with its code."""
    from .. import plates

    token = _read_token(source)
    try:
        shown = plates.decode_unverified(token)
    except plates.MalformedTokenError as exc:
        raise _fail(exc.message, exc.message_zh, EXIT_UNREADABLE) from exc
    typer.echo(f"plate / 号牌: {shown.plate}")
    if shown.vin_digest is not None:
        typer.echo(
            f"temporary plate / 临时号牌: {shown.registration_id}  "
            f"VIN digest / 车辆识别代号摘要: {shown.vin_digest} (--vin to check / 可用 --vin 核对)"
        )
    else:
        typer.echo(
            f"registration / 登记: {shown.registration_id}  "
            f"vehicle / 整车编码: {shown.vehicle_code}"
        )
    try:
        jwks = _jwks(jwks_file, base_url)
    except plates.InvalidJwksError as exc:
        raise _fail(exc.message, exc.message_zh, EXIT_UNREADABLE) from exc
    status = _load_status(status_file, jwks) if status_file is not None else None
    now = _moment(at)
    try:
        claims = plates.verify_token(token, jwks, status=status, now=now, vin=vin)
    except plates.UnknownKeyError as exc:
        typer.echo(
            f"NOT GENUINE: unknown key / 非真品：未知签名密钥\n{exc.message}\n{exc.message_zh}"
        )
        raise typer.Exit(EXIT_UNKNOWN_KEY) from exc
    except plates.VinMismatchError as exc:
        typer.echo(f"NOT THIS VEHICLE / 车辆不符\n{exc.message}\n{exc.message_zh}")
        raise typer.Exit(EXIT_TAMPERED) from exc
    except plates.TokenTamperedError as exc:
        typer.echo(f"NOT GENUINE: tampered / 非真品：已被篡改\n{exc.message}\n{exc.message_zh}")
        raise typer.Exit(EXIT_TAMPERED) from exc
    except plates.TokenRevokedError as exc:
        age = _age((now - exc.list_issued_at).total_seconds())
        typer.echo(
            f"REVOKED / 已作废: {exc.message}\n{exc.message_zh}\n"
            f"status list issued {exc.list_issued_at.isoformat(timespec='seconds')} "
            f"({age} old) / 状态列表签发于 {exc.list_issued_at.isoformat(timespec='seconds')}"
            f"（{age} 前）"
        )
        raise typer.Exit(EXIT_REVOKED) from exc
    except plates.TokenExpiredError as exc:
        typer.echo(f"EXPIRED / 已过期: {exc.message}\n{exc.message_zh}")
        raise typer.Exit(EXIT_NOT_VALID_NOW) from exc
    except plates.TokenNotYetValidError as exc:
        typer.echo(f"NOT YET VALID / 尚未生效: {exc.message}\n{exc.message_zh}")
        raise typer.Exit(EXIT_NOT_VALID_NOW) from exc
    except plates.PlateTokenError as exc:  # malformed token or status list
        raise _fail(exc.message, exc.message_zh, EXIT_UNREADABLE) from exc
    issued = claims.issued_at.astimezone().isoformat(timespec="seconds")
    typer.echo(f"GENUINE / 真品 (key / 密钥 {claims.kid}, issued / 签发 {issued})")
    if claims.expires_at is not None:
        typer.echo(_validity(claims.not_before or claims.issued_at, claims.expires_at))
    if claims.status is not None:
        list_issued = claims.status.issued_at.isoformat(timespec="seconds")
        age = _age(claims.status.age(now).total_seconds())
        typer.echo(
            f"not revoked as of the status list issued {list_issued} ({age} old; a later "
            f"cancellation is not in it) / 截至 {list_issued} 签发的状态列表（{age} 前）未作废"
        )
    else:
        typer.echo(
            "revocation not checked: pass --status FILE / "
            "未核验是否作废：请用 --status 指定状态列表"
        )
    sys.stdout.flush()
