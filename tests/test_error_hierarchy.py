"""One ``except vehreg_sdk.VehregError`` catches every error the SDK raises on purpose."""

from __future__ import annotations

import pytest

from vehreg_sdk import VehregError
from vehreg_sdk.bulk.columns import HeaderError
from vehreg_sdk.bulk.journal import JournalError
from vehreg_sdk.bulk.readers import SheetError
from vehreg_sdk.labels import LabelError, PrinterUnavailableError
from vehreg_sdk.outbox._models import OutboxError
from vehreg_sdk.plates import InvalidJwksError, PlateTokenError, TokenTamperedError


@pytest.mark.parametrize(
    ("error", "also"),
    [
        (PlateTokenError, Exception),
        (TokenTamperedError, PlateTokenError),
        (InvalidJwksError, ValueError),
        (LabelError, Exception),
        (PrinterUnavailableError, LabelError),
        (OutboxError, Exception),
        (SheetError, ValueError),
        (HeaderError, ValueError),
        (JournalError, RuntimeError),
    ],
)
def test_sdk_errors_are_vehreg_errors(error: type[Exception], also: type[Exception]) -> None:
    assert issubclass(error, VehregError)
    assert issubclass(error, also)  # what callers could catch before still works
    raised = error("The printer did not answer", "打印机无响应")
    assert isinstance(raised, VehregError)
    assert raised.message and any("\u4e00" <= ch <= "\u9fff" for ch in raised.message_zh)
    assert str(raised) == f"{raised.message} / {raised.message_zh}"
