"""``vehreg demo``: one e-bike sale with its plate, walked as a clerk would, against the sandbox.

It starts the embedded sandbox bureau on a free loopback port, so nothing else
has to run, and uses only the public API an integrator would use.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from ..testing.photos import SAMPLE_JPEG
from ._demo_walk import SHANGHAI, LabelOption, OutOption, Walk, label_file, sandbox_client

__all__ = ["LABEL_NAME", "SHANGHAI", "demo"]

# A tiny real JPEG standing in for a photo from the till's camera.
_PHOTO = SAMPLE_JPEG
_TILL_PHOTOS = (
    ("id_front", "身份证人像面"),
    ("id_back", "身份证国徽面"),
    ("invoice", "销售发票"),
    ("certificate", "产品合格证"),
    ("vehicle_code_rubbing", "整车编码拓印膜"),
    ("vehicle_photo", "整车照片"),
)
_CQC_URL = "http://mv.cqccms.com.cn/incoc/GSViewEbike!viewCocEbike.action?vinCode="


LABEL_NAME = "vehreg-demo-label.png"


def demo(
    out: OutOption = None,
    label_path: LabelOption = None,
    review_delay: Annotated[
        float,
        typer.Option(help="Seconds the sandbox police review takes. 审核延时（秒）。"),
    ] = 1.0,
) -> None:
    """Walk one plate-with-sale (带牌销售) against the embedded sandbox bureau and exit 0."""
    from ._failures import missing_extra

    for module in ("uvicorn", "starlette", "PIL"):  # say what is missing before starting
        try:
            __import__(module)
        except ImportError:
            raise typer.Exit(missing_extra(module, ("demo",))) from None
    label_path = label_file(out, label_path, prefix="vehreg-demo-", name=LABEL_NAME)
    from vehreg_sdk import labels, plates, rules
    from vehreg_sdk.sandbox import seed
    from vehreg_sdk.types import EbikeVehicle, Owner, Sale

    walk = Walk()
    console, step = walk.console, walk.step
    with sandbox_client(
        walk, "vehreg demo", review_delay=review_delay, prefix="vehreg-demo-"
    ) as client:
        store = client.stores.list().data[0]
        console.print(f"store 门店: {store.name} ({store.id})")

        step(1, "Scan the certificate QR", "扫描合格证二维码")
        (code,) = seed.sellable_vehicle_codes(1)
        scan_text = f"{_CQC_URL}{code}mn111"  # scanners add trailing noise
        console.print(f"scanned 扫描内容: [dim]{scan_text}[/]")
        vehicle_code = rules.parse_certificate_qr(scan_text)
        if vehicle_code is None:
            raise typer.Exit(1)
        console.print(f"vehicle code 整车编码: [bold]{vehicle_code}[/]")

        step(2, "Look up the certificate", "查询合格证信息")
        certificate = client.certificates.retrieve(vehicle_code)
        model = certificate.model
        console.print(
            f"{certificate.brand} {certificate.product_model}, {certificate.color}, "
            f"{model.standard}, {model.max_speed_kmh:g} km/h, {model.mass_kg:g} kg, "
            f"CCC {model.ccc.number} ({model.ccc.state})"
        )

        step(3, "Check the rules at the till", "现场规则校验")
        sale_date = datetime.now(SHANGHAI).date()
        vehicle = EbikeVehicle.from_certificate(certificate)
        violations = rules.check_ebike_sale(vehicle, certificate, sale_date)
        errors = [v for v in violations if v.is_error]
        for violation in violations:
            console.print(f"[yellow]{violation.severity}[/] {violation}")
        if errors:
            raise typer.Exit(1)
        console.print("[green]✓ no violations 校验通过[/]")

        step(4, "Enter the owner (a fictional test identity)", "录入车主（虚构测试身份）")
        owner = Owner(**seed.demo_owner(7))
        console.print(f"owner 车主: {owner!r}")
        sale = Sale(
            invoice_number="25320000004711",
            invoice_date=sale_date,
            price_fen=329_900,
            clerk_id="C001",
        )
        console.print(f"sale 销售: ¥{sale.price_fen / 100:,.2f}, invoice {sale.invoice_number}")

        step(5, "Upload the photos", "上传照片")
        upload_ids = []
        for kind, name_zh in _TILL_PHOTOS:
            upload = client.uploads.create(kind=kind, file=_PHOTO)
            upload_ids.append(upload.id)
            console.print(f"{name_zh} ({kind}) → {upload.id}")

        step(6, "Submit and get the plate", "提交登记，取得号牌")
        registration = client.ebike_registrations.create(
            store_id=store.id,
            vehicle=vehicle,
            owner=owner,
            sale=sale,
            uploads=upload_ids,
            certificate=certificate,
        )
        console.print(
            f"plate 号牌: [bold green]{registration.plate_number}[/]  "
            f"({registration.id}, status {registration.status}, "
            f"request {registration.request_id})"
        )

        step(7, "Verify the plate token offline", "离线核验号牌令牌")
        jwks = client.keys.retrieve()
        token = registration.plate_credential or registration.plate_token or ""
        claims = plates.verify_token(token, jwks)  # what the label's QR code carries
        console.print(
            f"[green]✓ genuine 真实有效[/]: plate {claims.plate}, "
            f"vehicle {claims.vehicle_code}, key {claims.kid}"
        )

        step(8, "Write the plate label", "生成号牌标签")
        label = labels.PlateLabel.from_registration(registration, store)
        label_path.write_bytes(labels.render(label, "png", size="50x30", dpi=203))
        console.print(f"label 标签: {label_path.resolve()}")

        step(9, "Fit the plate, upload the photo, wait for the review", "上牌拍照，等待审核")
        client.ebike_registrations.upload_photo(registration.id, kind="plate_fitted", file=_PHOTO)
        registration = client.ebike_registrations.wait(
            registration.id, until={"approved", "returned", "rejected"}, timeout=60
        )
        console.print(f"review 审核结果: [bold]{registration.status}[/]")

    walk.finish("demo sale", registration.status, label_path)
