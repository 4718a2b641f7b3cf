"""The ``vehreg`` command line.

Each area owns one module with its own ``typer.Typer`` app; heavy imports
(the sandbox server, Pillow, openpyxl) happen inside the commands, so
``vehreg --help`` stays fast. The root group turns every failure a user can
cause into one bilingual message and a documented exit code (``_failures``).
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from . import _help, bulk, configure, demo, demo_car, label, outbox, pos, sandbox, temp_plate
from ._console import make_streams_safe
from ._failures import EXIT_CODES_HELP, exit_code_for


class _VehregGroup(TyperGroup):
    """The root group: no traceback for a failure a user can cause (see ``_failures``)."""

    def invoke(self, ctx: Any) -> Any:
        # The command's words (``pos serve``) name the extra a missing module belongs to.
        leading = getattr(ctx, "protected_args", None) or getattr(ctx, "_protected_args", [])
        words = tuple(str(w) for w in (*leading, *ctx.args) if not str(w).startswith("-"))
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # typer's own: usage errors (exit 2), explicit exits
        except (Exception, KeyboardInterrupt) as exc:
            raise typer.Exit(exit_code_for(exc, words)) from None


def _version(value: bool) -> None:
    if value:
        from ._version import version_text

        typer.echo(version_text())
        raise typer.Exit()


_help.install()  # REGISTRATION_ID in usage lines, no `<bool>` after flags

app = typer.Typer(
    name="vehreg",
    cls=_VehregGroup,
    help="vehreg-sdk: register vehicles at the point of sale (苏G). 在销售现场办理车辆登记。",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Print the SDK and contract versions. 显示 SDK 与接口契约版本。",
    ),
    data_dir: str | None = typer.Option(
        None,
        "--data-dir",
        envvar="VEHREG_HOME",
        help="A machine-wide data folder for the outbox, config.json and the bridge token "
        r"(a service: %ProgramData%\vehreg). 全机共用的数据文件夹。",
    ),
) -> None:
    """vehreg-sdk: register vehicles at the point of sale (苏G). 在销售现场办理车辆登记。"""
    if data_dir:
        import os

        # The path helpers read VEHREG_HOME, so the option reaches every command and plugin.
        os.environ["VEHREG_HOME"] = data_dir


app.add_typer(
    demo_car.demo_group(demo.demo),
    name="demo",
    help="Walk one e-bike sale (or `demo car`: one new car) against the embedded sandbox. "
    "演示一次带牌销售（或 `demo car`：新车登记）。",
    epilog=EXIT_CODES_HELP,
)
app.command(
    "configure",
    help="Save the bureau settings; the secret in the OS keyring. 配置凭据。",
    epilog=EXIT_CODES_HELP,
)(configure.configure)
app.add_typer(sandbox.app, name="sandbox", help="Run the sandbox bureau. 运行沙箱车管所。")
app.add_typer(label.app, name="label", help="Render, print and verify plate labels. 号牌标签。")
app.add_typer(
    temp_plate.app,
    name="temp-plate",
    help="Request, print and verify temporary plates. 临时号牌。",
    epilog=EXIT_CODES_HELP,
)
app.add_typer(bulk.app, name="bulk", help="Bulk campus registrations. 批量登记。")
app.add_typer(outbox.app, name="outbox", help="The offline outbox. 离线待发队列。")
app.add_typer(pos.app, name="pos", help="POS bridge and hot folder. 收银对接。")


def main() -> None:
    make_streams_safe()
    app()
