"""The ``vehreg`` command line.

Each area owns one module with its own ``typer.Typer`` app; heavy imports
(the sandbox server, Pillow, openpyxl) happen inside the commands, so
``vehreg --help`` stays fast.
"""

from __future__ import annotations

import typer

from . import _help, bulk, configure, demo, label, outbox, pos, sandbox
from ._console import make_streams_safe

_help.install()  # REGISTRATION_ID in usage lines, no `<bool>` after flags

app = typer.Typer(
    name="vehreg",
    help="vehreg-sdk: register vehicles at the point of sale (苏G). 在销售现场办理车辆登记。",
    no_args_is_help=True,
    add_completion=False,
)
app.command("demo", help="Walk one e-bike sale against the embedded sandbox. 演示一次带牌销售。")(
    demo.demo
)
app.command("configure", help="Store credentials in the OS keyring. 配置凭据。")(
    configure.configure
)
app.add_typer(sandbox.app, name="sandbox", help="Run the sandbox bureau. 运行沙箱车管所。")
app.add_typer(label.app, name="label", help="Render, print and verify plate labels. 号牌标签。")
app.add_typer(bulk.app, name="bulk", help="Bulk campus registrations. 批量登记。")
app.add_typer(outbox.app, name="outbox", help="The offline outbox. 离线待发队列。")
app.add_typer(pos.app, name="pos", help="POS bridge and hot folder. 收银对接。")


def main() -> None:
    make_streams_safe()
    app()
