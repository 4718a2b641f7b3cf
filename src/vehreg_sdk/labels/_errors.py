"""Label errors: each carries an English and a Chinese message (``message`` / ``message_zh``)."""

from __future__ import annotations

from .._errors import VehregError


class LabelError(VehregError):
    """Base of every label error; a :class:`vehreg_sdk.VehregError` like every other SDK error."""

    code = "label.error"


class LabelDataError(LabelError):
    """The registration cannot make a label (no plate yet, another store's registration...)."""

    code = "label.data"


class LabelLayoutError(LabelError):
    """The content does not fit the chosen label size at the chosen resolution."""

    code = "label.layout"


class LabelFontError(LabelError):
    """No available font has every character of the label: we refuse rather than print tofu."""

    code = "label.font"


class PrinterUnavailableError(LabelError):
    """The printer could not be reached or did not take the whole job within the timeout.

    Nothing is lost: render the label again from the registration and reprint.
    """

    code = "label.printer_unavailable"

    def __init__(self, target: str, reason: str, *, reason_zh: str | None = None) -> None:
        super().__init__(
            f"printer {target} is unavailable: {reason}. Nothing is lost; reprint the label "
            "from the registration when the printer is back",
            f"打印机 {target} 不可用：{reason_zh or reason}。数据未丢失，打印机恢复后可按登记记录"
            "重新打印标签",
        )
        self.target = target
        self.reason = reason
