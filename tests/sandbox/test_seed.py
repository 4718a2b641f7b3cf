"""The seed: catalogue breadth, the certificate pool, the stolen list, helpers for other tests."""

from __future__ import annotations

from collections import Counter
from datetime import date

from stdnum.cn import ric

from vehreg_sdk import rules
from vehreg_sdk.sandbox import DEMO_DEALERS, catalogue, seed
from vehreg_sdk.types import EbikeCertificate, EbikeModel, EbikeRegistrationCreate

TODAY = date(2026, 11, 26)


def test_catalogue_breadth() -> None:
    models = catalogue.catalogue()
    assert len(models) >= 40
    assert len({m["brand"] for m in models}) >= 8
    assert {m["battery_chemistry"] for m in models} == {"lithium", "lead_acid"}
    assert {m["standard"] for m in models} == {"GB17761-2018", "GB17761-2024"}
    states = Counter(m["ccc"]["state"] for m in models)
    assert states["suspended"] == 1 and states["expired"] == 1
    for model in models:
        EbikeModel.model_validate(model)
        assert not rules.validate_ccc_number(model["ccc"]["number"])
    assert len({m["product_model"] for m in models}) == len(models)


def test_certificate_pool_is_large_deterministic_and_valid() -> None:
    assert catalogue.pool_size() >= 20_000
    codes = [catalogue.vehicle_code_at(i) for i in range(0, catalogue.pool_size(), 97)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        certificate = catalogue.certificate_for(code)
        assert certificate is not None
        EbikeCertificate.model_validate(certificate)
        assert not rules.errors_only(rules.validate_vehicle_code(code))
        assert code[4] == "2"
        assert certificate["manufacture_date"][2:4] == code[5:7]
    assert catalogue.certificate_for("610122500000001") is None  # wrong year for that serial
    assert catalogue.certificate_for("610120000004000") is None  # beyond the pool
    assert catalogue.certificate_for("abc") is None


def test_sellable_codes_pass_the_rules_today() -> None:
    codes = seed.sellable_vehicle_codes(25_000, on=TODAY)
    assert len(set(codes)) == 25_000
    for index, code in enumerate(codes[:300]):
        body = seed.demo_registration_body(code, "st_x", index=index, invoice_date=TODAY)
        parsed = EbikeRegistrationCreate.model_validate(body)
        found = rules.check_ebike_registration(
            parsed.vehicle, parsed.owner, parsed.sale, catalogue.certificate_for(code), on=TODAY
        )
        assert not rules.errors_only(found), (code, found)
    assert seed.sellable_vehicle_codes(3, start=1000, on=TODAY)[0] not in codes[:100]


def test_stolen_and_unsellable_codes() -> None:
    stolen = seed.stolen_vehicle_codes()
    assert len(stolen) >= 30 and all(code.endswith("999") for code in stolen)
    assert all(catalogue.is_stolen(code) for code in stolen)
    assert not set(stolen) & set(seed.sellable_vehicle_codes(2000, on=TODAY))
    for reason in ("gb2018", "ccc_suspended", "ccc_expired"):
        (code,) = seed.unsellable_vehicle_codes(reason)
        certificate = catalogue.certificate_for(code)
        assert certificate is not None
        assert not catalogue.model_is_sellable(certificate["model"], TODAY)


def test_demo_people_and_dealers_are_fictional_but_valid() -> None:
    for index in range(500):
        owner = seed.demo_owner(index)
        assert ric.is_valid(owner["id_number"])
        assert not rules.validate_mobile(owner["mobile"])
    assert len(DEMO_DEALERS) >= 2
    assert len(DEMO_DEALERS[0].stores) >= 3
    assert len({d.app_key for d in DEMO_DEALERS}) == len(DEMO_DEALERS)
    store_ids = [s for d in DEMO_DEALERS for s in d.store_ids]
    assert len(set(store_ids)) == len(store_ids) and all(s.startswith("st_") for s in store_ids)
    assert all(d.id.startswith("dl_") for d in DEMO_DEALERS)


def test_sandbox_doc_lists_credentials_stolen_codes_and_triggers() -> None:
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "api" / "sandbox.md").read_text("utf-8")
    for dealer in DEMO_DEALERS:
        assert dealer.app_key in text and dealer.app_secret in text
        assert all(store in text for store in dealer.store_ids)
    for code in seed.stolen_vehicle_codes():
        assert f"`{code}`" in text
    for model in (catalogue.SUSPENDED_CCC_MODEL, catalogue.EXPIRED_CCC_MODEL):
        assert model in text
    for trigger in ("`0097`", "`0098`", "苏G000001"):
        assert trigger in text
