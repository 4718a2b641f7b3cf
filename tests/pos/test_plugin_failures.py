"""A failing plugin is reported per call and never leaks the owner's personal data into a log."""

from __future__ import annotations

import logging
import random
from datetime import date
from typing import Any

import pytest

from outbox.outbox_support import FakeClient, sale_payload
from vehreg_sdk.outbox import ItemStatus
from vehreg_sdk.pos import PluginHost, ScanResult, Till, hookimpl
from vehreg_sdk.pos.host import RECENT_FAILURES, exception_summary, personal_data
from vehreg_sdk.testing import fake_mobile, fake_resident_id

# A fictional owner. The name and the address cannot be recognised by any pattern.
RNG = random.Random(6)
OWNER = {
    "name": "欧阳静怡",
    "id_number": fake_resident_id(RNG, date(1988, 5, 17)),
    "mobile": fake_mobile(RNG),
    "address": "江苏省连云港市海州区示例路88号3幢",
}


def _owner_sale(n: int) -> dict[str, Any]:
    sale = sale_payload(n)
    sale["owner"].update({k: OWNER[k] for k in ("name", "id_number", "mobile", "address")})
    return sale


def _raw_hits(text: str) -> list[str]:
    return [value for value in OWNER.values() if value in text]


class Leaky:
    """Every hook raises with the owner's data in the message, as careless plugin code does."""

    @staticmethod
    def _boom(where: str, owner: Any) -> RuntimeError:
        return RuntimeError(
            f"{where}: cannot handle {owner.name} ({owner.id_number}, {owner.mobile}),"
            f" {owner.address}\nsecond line {owner.name}"
        )

    @hookimpl
    def parse_scan(self, text: str) -> ScanResult | None:
        raise ValueError(f"bad scan {text}")

    @hookimpl
    def validate_sale(self, sale: Any) -> list[Any]:
        raise self._boom("validate", sale.owner)

    @hookimpl
    def before_submit(self, sale: Any) -> None:
        raise self._boom("before", sale.owner)

    @hookimpl
    def after_registration(self, registration: Any) -> None:
        raise KeyError(f"{OWNER['name']} {OWNER['id_number']} {OWNER['mobile']}")


def test_a_failing_plugin_leaves_no_personal_data_in_the_logs(
    till: Till, fake_client: FakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    till.host.register(Leaky(), name="leaky")
    scanned = till.scan(f"{OWNER['name']}|{OWNER['id_number']}|{OWNER['address']}")
    assert scanned is not None and scanned.kind == "id_card"  # the built-in still ran
    item = till.submit(_owner_sale(1))
    till.sync()
    assert till.outbox.get(item.local_id).status == ItemStatus.PLATE_ASSIGNED

    failures = list(till.host.failures)
    assert {f.hook for f in failures} == {
        "parse_scan",
        "validate_sale",
        "before_submit",
        "after_registration",
    }
    assert caplog.records, "the failures were logged"
    assert _raw_hits(caplog.text) == []
    for record in caplog.records:  # what any handler, formatter or traceback would see
        assert record.exc_info is None or _raw_hits(logging.Formatter().format(record)) == []
    for failure in failures:
        assert _raw_hits(failure.error) == [], failure.error
        assert failure.error.startswith(("RuntimeError", "ValueError", "KeyError"))
    # the masked summary still says what went wrong
    validate = next(f for f in failures if f.hook == "validate_sale")
    assert "cannot handle 欧*" in validate.error and "second line" not in validate.error


def test_the_plugin_failed_warning_shown_to_the_clerk_is_masked(till: Till) -> None:
    till.host.register(Leaky(), name="leaky")
    check = till.check(_owner_sale(2))
    [warning] = [v for v in check.violations if v.code == "plugin.failed"]
    assert warning.severity == "warning"
    assert _raw_hits(warning.message) == [] and _raw_hits(warning.message_zh) == []


def test_exception_summary_masks_by_value_and_by_pattern() -> None:
    from vehreg_sdk.types import EbikeRegistrationCreate

    sale = EbikeRegistrationCreate.model_validate(_owner_sale(3))
    exc = RuntimeError(f"{OWNER['address']} / {OWNER['name']} / 19912345678 / " + "x" * 500)
    summary = exception_summary(exc, personal_data({"sale": sale}))
    assert _raw_hits(summary) == [] and "19912345678" not in summary
    assert summary.startswith("RuntimeError: 江苏省连云港") and summary.endswith("…")
    assert len(summary) < 260
    assert exception_summary(KeyError()) == "KeyError"


def test_failures_are_reported_per_call_beyond_the_recent_buffer() -> None:
    """The host used to find a call's failures by the growth of a 200-entry buffer."""

    class AlwaysFails:
        @hookimpl
        def before_submit(self, sale: Any) -> None:
            raise RuntimeError("nope")

        @hookimpl
        def validate_sale(self, sale: Any) -> list[Any]:
            raise RuntimeError("nope")

    from vehreg_sdk.types import EbikeRegistrationCreate

    host = PluginHost(load_entry_points=False, plugins=[AlwaysFails()])
    sale = EbikeRegistrationCreate.model_validate(sale_payload(4))
    for n in range(RECENT_FAILURES + 50):
        failures = host.before_submit(sale)
        assert [(f.plugin, f.hook) for f in failures] == [(failures[0].plugin, "before_submit")], n
    assert len(host.failures) == RECENT_FAILURES  # the display buffer stays bounded
    warnings = [v for v in host.validate_sale(sale) if v.code == "plugin.failed"]
    assert len(warnings) == 1  # still reported after 250 earlier failures


def test_after_registration_failures_are_per_call(till: Till) -> None:
    class PrinterDown:
        @hookimpl
        def after_registration(self, registration: Any) -> None:
            raise OSError("printer off")

    till.host.register(PrinterDown(), name="printer-down")
    registration = FakeClient().ebike_registrations._registration(sale_payload(5))
    for _ in range(RECENT_FAILURES + 5):
        till.host.after_registration(registration)
    [failure] = till.host.after_registration(registration)
    assert failure.plugin == "printer-down" and failure.error == "OSError: printer off"


def test_a_label_failure_at_the_bridge_is_masked(
    till: Till, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from starlette.testclient import TestClient
    from vehreg_pos_bridge import BridgeConfig, create_app
    from vehreg_pos_bridge import labels as bridge_labels

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise ValueError(f"no glyph for {OWNER['name']} at {OWNER['address']} {OWNER['mobile']}")

    caplog.set_level(logging.DEBUG)
    item = till.submit(_owner_sale(6))
    till.sync()
    monkeypatch.setattr(bridge_labels, "render_label", broken)
    monkeypatch.setattr(bridge_labels, "print_label", broken)
    monkeypatch.setenv("VEHREG_PRINTER", "stdout")
    app = create_app(till, "t0ken", BridgeConfig(port=8790), start_worker=False)
    auth = {"Authorization": "Bearer t0ken"}
    with TestClient(app, base_url="http://127.0.0.1:8790") as client:
        png = client.get(f"/sales/{item.local_id}/label.png", headers=auth)
        printed = client.post(f"/sales/{item.local_id}/print", headers=auth)
    assert (png.status_code, printed.status_code) == (500, 502)
    assert "ValueError: no glyph for 欧*" in png.json()["detail"]
    assert _raw_hits(png.text) == [] and _raw_hits(printed.text) == []
    assert _raw_hits(caplog.text) == []
