"""``vehreg demo car``: one new car at a 4S registration station, against the embedded sandbox.

Certificate, purchase-tax check, a draw of 5 plates and a choice, registration, the
plate and its label, the plate-fitted photo and the approval, using only the public
API. ``vehreg demo`` alone keeps the e-bike walk: :func:`demo_group` wraps it so the
car walk is a subcommand beside it, whatever options the e-bike walk takes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any

import typer

from ..testing.photos import SAMPLE_JPEG
from ._demo_walk import SHANGHAI, LabelOption, OutOption, Walk, label_file, sandbox_client

__all__ = ["SHANGHAI", "car", "demo_group"]
_STATION_PHOTOS = (
    ("invoice", "机动车销售统一发票"),
    ("insurance_policy", "交强险保单"),
    ("id_front", "身份证人像面"),
    ("vin_rubbing", "车辆识别代号拓印膜"),
    ("vehicle_photo", "车辆左前方45度照片"),
)


def demo_group(ebike_walk: Callable[..., None]) -> typer.Typer:
    """``vehreg demo`` (the e-bike walk, unchanged) with ``vehreg demo car`` beside it."""
    group = typer.Typer(no_args_is_help=False)
    walk_signature = inspect.signature(ebike_walk, eval_str=True)

    def callback(ctx: typer.Context, **options: Any) -> None:
        if ctx.invoked_subcommand is None:
            ebike_walk(**options)

    # Typer reads the options from the signature: the e-bike walk's, plus the context.
    context = inspect.Parameter(
        "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
    )
    callback.__signature__ = walk_signature.replace(  # type: ignore[attr-defined]
        parameters=[context, *walk_signature.parameters.values()]
    )
    callback.__annotations__ = {
        "ctx": typer.Context,
        **inspect.get_annotations(ebike_walk, eval_str=True),
    }
    callback.__doc__ = ebike_walk.__doc__
    group.callback(invoke_without_command=True)(callback)
    group.command("car", help="Walk one new car at a 4S registration station. 演示新车登记。")(car)
    return group


def car(
    out: OutOption = None,
    label_path: LabelOption = None,
    review_delay: Annotated[
        float, typer.Option(help="Seconds each station step takes. 每个办理环节的延时（秒）。")
    ] = 0.5,
) -> None:
    """Walk one new car (新车注册登记) at a registration station and exit 0."""
    label_path = label_file(
        out, label_path, prefix="vehreg-demo-car-", name="vehreg-demo-car-label.png"
    )
    from vehreg_sdk import labels, plates, rules
    from vehreg_sdk.sandbox.car_catalogue import model_of
    from vehreg_sdk.sandbox.car_seed import demo_car_owner, unused_car_certificates

    walk = Walk()
    console, step = walk.console, walk.step
    with sandbox_client(
        walk, "vehreg demo car", review_delay=review_delay, prefix="vehreg-demo-car-"
    ) as client:
        store = client.stores.list().data[0]
        console.print(f"station 登记服务站: {store.name} ({store.id})")
        today = datetime.now(SHANGHAI).date()

        step(1, "Look up the certificate of conformity by VIN", "按车辆识别代号查询合格证")
        (seed_certificate,) = unused_car_certificates(1, categories=("nev_phev",))
        vin = seed_certificate["vin"]
        assert not rules.validate_vin(vin)
        certificate = client.car_certificates.retrieve_by_vin(vin)
        console.print(
            f"VIN 车辆识别代号: [bold]{certificate.vin}[/]  {certificate.brand} "
            f"{certificate.model}, {certificate.vehicle_type}, "
            f"{certificate.energy_type} "
            f"({rules.EnergyType(certificate.energy_type).label_zh}), "
            f"合格证 {certificate.certificate_number}"
        )
        size = rules.expected_car_plate_kind(certificate, certificate)
        console.print(f"plate kind 号牌种类: {size.value} {size.label_zh}")

        step(2, "Check the purchase tax", "核查车辆购置税")
        price = model_of(seed_certificate).price_fen
        expected = rules.expected_purchase_tax(
            price, today, certificate.energy_type, "passenger_car"
        )
        console.print(
            f"invoice ¥{price / 100:,.2f} → base ¥{expected.base_fen / 100:,.2f}, "
            f"tax ¥{expected.tax_fen / 100:,.2f}, relief ¥{expected.relief_fen / 100:,.2f} "
            f"({expected.relief_kind or 'none'}), due ¥{expected.due_fen / 100:,.2f}"
        )
        tax = client.purchase_tax.retrieve(vin)
        console.print(f"tax office 税务机关: {tax.status}")
        if tax.status == "unpaid":
            console.print("[dim]the buyer pays online (sandbox test helper) 购车人网上缴税[/]")
            tax = client.purchase_tax.test_helpers.pay(vin, price_fen=price, invoice_date=today)
        console.print(
            f"[green]✓ {tax.status}[/], paid ¥{(tax.paid_fen or 0) / 100:,.2f} on {tax.paid_on}"
        )

        step(3, "Draw 5 plate numbers and choose one", "摇号 5 个候选号码并选定")
        selection = client.plate_selections.create(vin=vin, plate_kind=size.value)
        console.print("candidates 候选号码: " + "  ".join(selection.candidates))
        selection = client.plate_selections.choose(selection.id, number=selection.candidates[0])
        console.print(
            f"reserved 已预留: [bold]{selection.number}[/] until {selection.reserved_until}"
        )

        step(4, "Upload the papers and photos", "上传资料和照片")
        upload_ids = []
        for kind, name_zh in _STATION_PHOTOS:
            upload = client.uploads.create(kind=kind, file=SAMPLE_JPEG)
            upload_ids.append(upload.id)
            console.print(f"{name_zh} ({kind}) → {upload.id}")

        step(5, "Submit the registration", "提交注册登记")
        registration = client.vehicle_registrations.create(
            store_id=store.id,
            vehicle={
                "vin": vin,
                "certificate_number": certificate.certificate_number,
                "vehicle_type": certificate.vehicle_type,
                "use_nature": "A",
                "fuel_type": certificate.fuel_type,
                "energy_type": certificate.energy_type,
                "color": certificate.color,
            },
            owner=demo_car_owner(7),
            invoice={
                "number": "44000004711",
                "date": today.isoformat(),
                "price_fen": price,
            },
            insurance={
                "policy_number": f"PDZA{today:%Y}00004711",
                "starts_on": today.isoformat(),
                "ends_on": (today + timedelta(days=364)).isoformat(),
            },
            plate={"kind": size.value, "source": "selection", "selection_id": selection.id},
            uploads=upload_ids,
            certificate=certificate,
            tax=tax,
        )
        console.print(
            f"{registration.id}: {registration.status}, safety test 安全技术检验 "
            f"{registration.safety_test}, owner 车主 {registration.owner.name} "
            f"{registration.owner.id_number}"
        )

        step(6, "Inspection done: the plate is assigned", "查验完成，分配号牌")
        registration = client.vehicle_registrations.wait(
            registration.id, until={"plate_assigned", "rejected"}, timeout=20
        )
        claims = plates.verify_token(registration.plate_token or "", client.keys.retrieve())
        console.print(
            f"plate 号牌: [bold green]{registration.plate_number}[/]  "
            f"[green]✓ token genuine 令牌有效[/] (VIN {claims.vehicle_code}, key {claims.kid})"
        )

        step(7, "Write the plate label", "生成号牌标签")
        label = labels.PlateLabel.from_registration(registration, store)
        label_path.write_bytes(labels.render(label, "png", size="50x30", dpi=203))
        console.print(f"label 标签: {label_path.resolve()} (VIN barcode 条码)")

        step(8, "Fit the plates, photograph, wait for approval", "安装号牌拍照，等待审核")
        client.vehicle_registrations.upload_photo(
            registration.id, kind="plate_fitted", file=SAMPLE_JPEG
        )
        registration = client.vehicle_registrations.wait(registration.id, timeout=20)
        console.print(f"review 审核结果: [bold]{registration.status}[/]")

    walk.finish("demo car", registration.status, label_path)
