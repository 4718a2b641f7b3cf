"""How every ``vehreg`` command ends when something a user can cause goes wrong.

One bilingual message on stderr (English, then 中文), naming the file, the extra to install
or the setting to make, and one of the exit codes below. No Python traceback: set
``VEHREG_DEBUG=1`` to see one for an unexpected internal error.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Final

import typer

#: The exit codes every ``vehreg`` command uses (``docs/cli.md`` lists them).
EXIT_OK: Final = 0
#: the command ran and the work failed (the bureau refused, a render or printer error)
EXIT_FAILED: Final = 1
#: a bad option, argument or option value
EXIT_USAGE: Final = 2
#: ``label verify`` only: the token was tampered with (3) or signed by an unknown key (4)
EXIT_TAMPERED: Final = 3
EXIT_UNKNOWN_KEY: Final = 4
#: a file named on the command line is missing, unreadable or damaged (``label verify``:
#: no readable token)
EXIT_NO_INPUT: Final = 5
#: an optional extra is not installed (the message names the ``pip install`` line)
EXIT_MISSING_EXTRA: Final = 6
#: not configured: no base URL, app key or secret; a bad ``VEHREG_*`` setting; no keyring
EXIT_NOT_CONFIGURED: Final = 7
#: the bureau could not be reached or did not answer in time (``VEHREG_TIMEOUT``);
#: ``outbox sync``: sales remain undelivered for that reason
EXIT_UNREACHABLE: Final = 8
#: a server cannot listen: the port is in use or not allowed
EXIT_PORT_BUSY: Final = 9
#: an unexpected internal error (a bug: please report it with ``VEHREG_DEBUG=1`` output)
EXIT_INTERNAL: Final = 70
#: interrupted with Ctrl+C
EXIT_INTERRUPTED: Final = 130

EXIT_CODES_HELP: Final = (
    "Exit codes / 退出码: 0 ok 成功; 1 failed 操作失败; 2 usage 用法错误; "
    "3 tampered 已被篡改 (label verify); 4 unknown key 未知密钥 (label verify); "
    "5 file missing, unreadable or damaged 文件缺失、无法读取或已损坏; "
    "6 extra not installed 缺少扩展; 7 not configured 未配置; "
    "8 bureau unreachable 车管所无法连接; 9 port busy 端口被占用; 70 internal error 内部错误."
)

#: Which extra brings a module an optional command imports.
EXTRA_OF_MODULE: Final = {
    "uvicorn": "sandbox",
    "starlette": "sandbox",
    "multipart": "sandbox",
    "python_multipart": "sandbox",
    "yaml": "sandbox",
    "PIL": "labels",
    "fpdf": "labels",
    "fontTools": "labels",
    "zxingcpp": "labels",
    "openpyxl": "bulk",
    "psycopg": "postgres",
}
#: Commands whose server modules come with another extra than the sandbox's.
EXTRA_OF_COMMAND: Final[dict[tuple[str, ...], str]] = {
    ("pos", "serve"): "pos",
    ("pos", "watch"): "pos",
}


def say(message: str, message_zh: str) -> None:
    """One failure message: the English line, then the Chinese line, on stderr."""
    typer.echo(f"{message}\n{message_zh}", err=True)


def missing_extra(module: str, command: tuple[str, ...] = ()) -> int:
    extra = EXTRA_OF_COMMAND.get(command[:2]) or EXTRA_OF_MODULE.get(module, "all")
    what = " ".join(("vehreg", *command[:2])).strip()
    say(
        f"{what} needs the optional module {module!r}, which is not installed: "
        f'pip install "vehreg-sdk[{extra}]"',
        f'{what} 需要可选模块 {module!r}，当前未安装。请运行：pip install "vehreg-sdk[{extra}]"',
    )
    return EXIT_MISSING_EXTRA


def file_problem(exc: OSError) -> tuple[str, str, int]:
    """English and Chinese text naming the file, and the exit code, for an ``OSError``."""
    if exc.filename is None:  # raised without a path (ssl, an image library): use its text
        reason = str(exc) or type(exc).__name__
        if type(exc).__name__ == "UnidentifiedImageError":
            return (
                f"Not an image this command can read: {reason}",
                (f"不是可读取的图片：{reason}"),
                EXIT_NO_INPUT,
            )
        return f"Cannot read or write a file: {reason}", f"无法读写文件：{reason}", EXIT_NO_INPUT
    name = exc.filename
    if isinstance(exc, FileNotFoundError):
        return f"{name}: no such file or folder", f"{name}：文件或文件夹不存在", EXIT_NO_INPUT
    if isinstance(exc, IsADirectoryError):
        return f"{name}: is a folder, not a file", f"{name}：这是文件夹，不是文件", EXIT_NO_INPUT
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return (
            f"{name}: exists but is not a folder (or a part of the path is a file)",
            f"{name}：已存在但不是文件夹（或路径中有一部分是文件）",
            EXIT_NO_INPUT,
        )
    if isinstance(exc, PermissionError):
        return (
            f"{name}: permission denied (check who owns the file)",
            f"{name}：没有访问权限（请检查文件的所有者与权限）",
            EXIT_NO_INPUT,
        )
    if exc.errno == errno.ENOSPC:
        return f"{name}: the disk is full", f"{name}：磁盘已满", EXIT_FAILED
    reason = exc.strerror or type(exc).__name__
    return (
        f"{name}: cannot be read or written ({reason})",
        f"{name}：无法读写（{reason}）",
        (EXIT_NO_INPUT),
    )


def bilingual(exc: BaseException) -> tuple[str, str]:
    """English and Chinese text for any error: the SDK's carry both; a file error names
    the file; anything else gets a real Chinese sentence around its own text."""
    zh = getattr(exc, "message_zh", None)
    if zh:
        return str(getattr(exc, "message", None) or exc), str(zh)
    if isinstance(exc, OSError):
        return file_problem(exc)[:2]
    text = str(exc) or type(exc).__name__
    return text, f"操作失败（{type(exc).__name__}）：{text}"


def needs_setup(exc: BaseException) -> bool:
    """No credentials, a bad setting, or no bureau: the command could not start its work.
    Commands that wrap their own errors let these through to one message and exit code."""
    from .. import _errors as errors

    return isinstance(
        exc, errors.CredentialsError | errors.ConfigurationError | errors.APIConnectionError
    )


def exit_code_for(exc: BaseException, command: tuple[str, ...] = ()) -> int:
    """Print the bilingual message for ``exc`` and return the exit code; never raises."""
    from .. import _errors as errors

    if isinstance(exc, KeyboardInterrupt):
        say("Interrupted.", "已中断。")
        return EXIT_INTERRUPTED
    if isinstance(exc, ImportError) and exc.name:
        top = exc.name.split(".")[0]
        if top in EXTRA_OF_MODULE:
            return missing_extra(top, command)
    if isinstance(exc, errors.VehregError):
        return _vehreg_error(exc)
    if _is_keyring_error(exc):
        say(
            f"No usable OS keyring ({type(exc).__name__}): set the secret in the environment "
            "(VEHREG_APP_SECRET; VEHREG_BRIDGE_TOKEN for the POS bridge).",
            f"没有可用的系统钥匙串（{type(exc).__name__}）：请通过环境变量提供密钥"
            "（VEHREG_APP_SECRET；收银桥接令牌用 VEHREG_BRIDGE_TOKEN）。",
        )
        return EXIT_NOT_CONFIGURED
    if isinstance(exc, OSError):
        message, message_zh, code = file_problem(exc)
        say(message, message_zh)
        return code
    return _internal(exc)


def _vehreg_error(exc: BaseException) -> int:
    from .. import _errors as errors

    message = str(getattr(exc, "message", "") or exc)
    message_zh = str(getattr(exc, "message_zh", "") or "")
    if isinstance(exc, errors.APIStatusError):
        # str() carries the status, the code, each field problem and the request id.
        typer.echo(str(exc), err=True)
        return EXIT_FAILED
    if isinstance(exc, errors.LocalValidationError):
        typer.echo(str(exc), err=True)
        return EXIT_FAILED
    say(message, message_zh or message)
    if isinstance(exc, errors.APIConnectionError):
        say(
            "Check the network and VEHREG_BASE_URL; VEHREG_TIMEOUT sets how long to wait (s).",
            "请检查网络与 VEHREG_BASE_URL；等待时间（秒）可用 VEHREG_TIMEOUT 设置。",
        )
        return EXIT_UNREACHABLE
    if isinstance(exc, errors.CredentialsError | errors.ConfigurationError):
        return EXIT_NOT_CONFIGURED
    code = str(getattr(exc, "code", "") or "")
    if code == "bridge.port_busy":
        return EXIT_PORT_BUSY
    if code.startswith("bridge.") or code.startswith("configuration."):
        return EXIT_NOT_CONFIGURED if code.startswith("configuration.") else EXIT_USAGE
    if code in {"outbox.damaged", "outbox.unopenable"}:
        return EXIT_NO_INPUT
    if code == "outbox.network_path":  # --db / VEHREG_OUTBOX names a network share
        return EXIT_NOT_CONFIGURED
    if code in {"outbox.key", "hub.dealer_config"}:  # a hub's master key, its dealers' keys
        return EXIT_NOT_CONFIGURED
    if code == "outbox.unavailable":  # the hub's PostgreSQL cannot be reached
        return EXIT_UNREACHABLE
    return EXIT_FAILED


def _is_keyring_error(exc: BaseException) -> bool:
    module = type(exc).__module__ or ""
    return module.startswith("keyring")


def _internal(exc: BaseException) -> int:
    from ..privacy import mask_text

    if os.environ.get("VEHREG_DEBUG"):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    first_line = mask_text(str(exc)).splitlines()[0][:300] if str(exc) else ""
    say(
        f"Internal error: {type(exc).__name__}: {first_line}. This is a bug in vehreg-sdk; "
        "run again with VEHREG_DEBUG=1 and report the output.",
        f"内部错误：{type(exc).__name__}。这是 vehreg-sdk 的缺陷；请设置 VEHREG_DEBUG=1 "
        "重新运行并报告输出。",
    )
    return EXIT_INTERNAL
