"""The plugin host: built-ins as plugins, isolation of failing plugins, entry-point loading."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from outbox.outbox_support import resident_id, sale_payload
from vehreg_sdk.outbox import ItemStatus
from vehreg_sdk.pos import (
    ENTRY_POINT_GROUP,
    HOOKSPEC_VERSION,
    PluginHost,
    PrinterChoice,
    SaleInvalid,
    ScanResult,
    Till,
    hookimpl,
)
from vehreg_sdk.rules import Violation

ROOT = Path(__file__).resolve().parents[2]
CQC = "http://mv.cqccms.com.cn/incoc/GSViewEbike!viewCocEbike.action?vinCode=320722401000001"


def test_builtins_are_plugins() -> None:
    host = PluginHost(load_entry_points=False)
    names = {p.name for p in host.plugins() if p.builtin}
    assert {"vehreg.scan.certificate", "vehreg.scan.id_card", "vehreg.labels"} <= names
    assert HOOKSPEC_VERSION[0] == 1


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        (CQC + "&t=1a2b\r", "vehicle_code", "320722401000001"),  # scanner noise after the code
        ("320722401000001", "vehicle_code", "320722401000001"),
        (f"张三|{resident_id(5)}|江苏省连云港市海州区朝阳中路1号", "id_card", resident_id(5)),
        (f"{resident_id(6).lower()}", "id_card", resident_id(6)),
    ],
)
def test_builtin_scan_parsing(text: str, kind: str, value: str) -> None:
    result = PluginHost(load_entry_points=False).parse_scan(text)
    assert result is not None and (result.kind, result.value) == (kind, value)


def test_id_card_fields() -> None:
    text = f"李四\t{resident_id(7)}\t江苏省连云港市连云区港口路8号"
    result = PluginHost(load_entry_points=False).parse_scan(text)
    assert result is not None
    assert result.fields["name"] == "李四" and result.fields["address"].startswith("江苏省")


def test_unrecognised_scan() -> None:
    assert PluginHost(load_entry_points=False).parse_scan("hello world") is None


def test_a_third_party_parser_can_go_first() -> None:
    class ShopCodes:
        @hookimpl(tryfirst=True)
        def parse_scan(self, text: str) -> ScanResult | None:
            if text.startswith("SHOP:"):
                return ScanResult("vehicle_code", text[5:], parser="shop")
            return None

    host = PluginHost(load_entry_points=False, plugins=[ShopCodes()])
    assert host.parse_scan("SHOP:320722401000009").parser == "shop"  # type: ignore[union-attr]
    assert host.parse_scan(CQC).parser == "vehreg.scan.certificate"  # type: ignore[union-attr]


class Exploding:
    @hookimpl
    def validate_sale(self, sale: Any) -> list[Violation]:
        raise RuntimeError(f"bad plugin {sale.owner.id_number}")

    @hookimpl(tryfirst=True)
    def after_registration(self, registration: Any) -> None:
        raise OSError("printer on fire")


class Recorder:
    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl
    def after_registration(self, registration: Any, local_id: str | None) -> None:
        self.seen.append(f"{registration.id}:{local_id}")


def test_a_failing_plugin_is_reported_and_the_others_still_run(till: Till) -> None:
    recorder = Recorder()
    till.host.register(Exploding(), name="exploding")
    till.host.register(recorder, name="recorder")
    item = till.submit(sale_payload(1))  # validate_sale raised: a warning, not a block
    report = till.sync()
    assert till.outbox.get(item.local_id).status == ItemStatus.PLATE_ASSIGNED
    assert report.plate_assigned == [item.local_id]
    assert recorder.seen and recorder.seen[0].endswith(item.local_id)
    failures = {(f.plugin, f.hook) for f in till.host.failures}
    assert failures == {("exploding", "validate_sale"), ("exploding", "after_registration")}
    # the failure text is masked: it quoted the ID number
    assert all(resident_id(1) not in f.error for f in till.host.failures)


def test_plugin_violations_block_the_sale(till: Till) -> None:
    class MinimumPrice:
        @hookimpl
        def validate_sale(self, sale: Any) -> list[Violation]:
            if sale.sale.price_fen < 100_000:
                return [Violation("shop.price_too_low", "sale.price_fen", "Too cheap", "售价过低")]
            return []

    till.host.register(MinimumPrice())
    cheap = sale_payload(2)
    cheap["sale"]["price_fen"] = 50_000
    with pytest.raises(SaleInvalid) as caught:
        till.submit(cheap)
    assert [v.code for v in caught.value.violations] == ["shop.price_too_low"]
    assert till.outbox.counts()["queued"] == 0


def test_select_printer_first_result_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEHREG_PRINTER", "tcp://127.0.0.1:9100?format=zpl&size=60x40&dpi=300")
    host = PluginHost(load_entry_points=False)
    choice = host.select_printer(None)
    assert choice == PrinterChoice("tcp://127.0.0.1:9100", "zpl", "60x40", 300)

    class Counter:
        @hookimpl
        def select_printer(self, store: Any) -> PrinterChoice:
            return PrinterChoice("file:/tmp/label.tspl")

    host.register(Counter())
    assert host.select_printer(None).target == "file:/tmp/label.tspl"  # type: ignore[union-attr]


def test_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEHREG_DISABLE_PLUGINS", "vehreg.scan.id_card")
    host = PluginHost(load_entry_points=False)
    assert host.parse_scan(resident_id(3)) is None


def _fake_distribution(tmp_path: Path, name: str, entry: str) -> None:
    dist = tmp_path / f"{name.replace('-', '_')}-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{entry}\n", encoding="utf-8")


def test_entry_point_plugins_load_and_broken_ones_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shop_plugin_ok.py").write_text(
        "from vehreg_sdk.pos import hookimpl\n@hookimpl\ndef before_submit(sale):\n    pass\n",
        encoding="utf-8",
    )
    _fake_distribution(tmp_path, "shop-plugin-ok", "shop_ok = shop_plugin_ok")
    _fake_distribution(tmp_path, "shop-plugin-broken", "shop_broken = shop_plugin_missing")
    monkeypatch.syspath_prepend(str(tmp_path))
    host = PluginHost()
    loaded = {p.name: p for p in host.plugins()}
    assert loaded["shop_ok"].distribution == "shop-plugin-ok"
    assert loaded["shop_ok"].hooks == ("before_submit",)
    assert [f.plugin for f in host.failures if f.hook == "load"] == ["shop_broken"]
    sys.modules.pop("shop_plugin_ok", None)


def test_the_example_plugin_declares_the_entry_point_and_works(till: Till) -> None:
    example = ROOT / "examples" / "pos_plugin_example"
    meta = tomllib.loads((example / "pyproject.toml").read_text(encoding="utf-8"))
    assert ENTRY_POINT_GROUP in meta["project"]["entry-points"]
    sys.path.insert(0, str(example / "src"))
    try:
        import vehreg_example_plugin as plugin
    finally:
        sys.path.pop(0)
    till.host.register(plugin, name="example")
    bad = sale_payload(4)
    bad["sale"]["invoice_number"] = "X-1"
    with pytest.raises(SaleInvalid) as caught:
        till.submit(bad)
    assert caught.value.violations[0].code == "example.invoice_prefix"
    assert "发票" in caught.value.violations[0].message_zh
