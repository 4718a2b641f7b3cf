"""One e-bike sale with its plate (带牌销售), start to finish, with the sync client.

python examples/ebike_sale.py          # against an embedded sandbox
VEHREG_BASE_URL=... python examples/ebike_sale.py   # against your configured bureau
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from _sandbox import JPEG, TILL_PHOTO_KINDS, bureau, scan_and_owner

from vehreg_sdk import LocalValidationError, VehregClient, plates, rules
from vehreg_sdk.types import EbikeVehicle, Owner, Sale

SHANGHAI = timezone(timedelta(hours=8))  # business dates are Asia/Shanghai (no DST)


def sell_one(settings: dict[str, str]) -> str:
    scan, buyer = scan_and_owner(0)
    with VehregClient(**settings) as client:
        store = client.stores.list().data[0]

        # 1-2. scan the certificate QR, look the certificate up
        vehicle_code = rules.parse_certificate_qr(scan)
        assert vehicle_code, "not a certificate QR"
        certificate = client.certificates.retrieve(vehicle_code)
        print(f"certificate {certificate.certificate_number}: {certificate.brand} "
              f"{certificate.product_model}")  # fmt: skip

        # 3-4. the bike, the buyer, the sale; the rules run before anything is sent
        vehicle = EbikeVehicle.from_certificate(certificate)
        owner = Owner(**buyer)
        sale = Sale(
            invoice_number="25320000000123",
            invoice_date=datetime.now(SHANGHAI).date(),
            price_fen=329_900,
            clerk_id="C001",
        )
        print(f"owner {owner!r}")  # repr() masks: name 冯*, ID 3207**********2912, …

        # 5. the photos taken at the till
        uploads = [client.uploads.create(kind=kind, file=JPEG).id for kind in TILL_PHOTO_KINDS]

        # 6. submit: the plate comes back at once
        try:
            registration = client.ebike_registrations.create(
                store_id=store.id,
                vehicle=vehicle,
                owner=owner,
                sale=sale,
                uploads=uploads,
                certificate=certificate,
                idempotency_key=f"sale-{store.id}-{sale.invoice_number}",
            )
        except LocalValidationError as refused:
            print(refused)  # every problem, in English and Chinese
            raise
        print(f"plate {registration.plate_number} (request {registration.request_id})")

        # 7. the plate token checks offline against the bureau's published keys
        claims = plates.verify_token(registration.plate_token or "", client.keys.retrieve())
        assert claims.plate == registration.plate_number

        # 9. plate fitted: the last photo, then the police review
        client.ebike_registrations.upload_photo(registration.id, kind="plate_fitted", file=JPEG)
        registration = client.ebike_registrations.wait(registration.id, timeout=60)
        print(f"review: {registration.status}")
        return str(registration.status)


def main() -> None:
    with bureau() as settings:
        status = sell_one(settings)
    raise SystemExit(0 if status == "approved" else 1)


if __name__ == "__main__":
    main()
