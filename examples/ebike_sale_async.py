"""The same sale with ``AsyncVehregClient``: photos upload concurrently.

python examples/ebike_sale_async.py
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from _sandbox import JPEG, TILL_PHOTO_KINDS, bureau, scan_and_owner

from vehreg_sdk import AsyncVehregClient, plates, rules
from vehreg_sdk.types import EbikeVehicle, Sale

SHANGHAI = timezone(timedelta(hours=8))  # business dates are Asia/Shanghai (no DST)


async def sell_one(settings: dict[str, str]) -> str:
    scan, buyer = scan_and_owner(1)
    async with AsyncVehregClient(**settings) as client:
        stores = [store async for store in client.stores.list()]
        vehicle_code = rules.parse_certificate_qr(scan)
        assert vehicle_code, "not a certificate QR"
        certificate = await client.certificates.retrieve(vehicle_code)

        uploads = await asyncio.gather(
            *(client.uploads.create(kind=kind, file=JPEG) for kind in TILL_PHOTO_KINDS)
        )
        registration = await client.ebike_registrations.create(
            store_id=stores[0].id,
            vehicle=EbikeVehicle.from_certificate(certificate),
            owner=buyer,  # a plain dict works as well as a model
            sale=Sale(
                invoice_number="25320000000124",
                invoice_date=datetime.now(SHANGHAI).date(),
                price_fen=299_900,
                clerk_id="C002",
            ),
            uploads=[upload.id for upload in uploads],
            certificate=certificate,
        )
        print(f"plate {registration.plate_number}")
        claims = plates.verify_token(registration.plate_token or "", await client.keys.retrieve())
        assert claims.registration_id == registration.id

        await client.ebike_registrations.upload_photo(
            registration.id, kind="plate_fitted", file=JPEG
        )
        registration = await client.ebike_registrations.wait(registration.id, timeout=60)
        print(f"review: {registration.status}")
        async for event in client.events.list():
            if event.data.get("object", {}).get("id") == registration.id:
                print(f"  event {event.type}")
        return str(registration.status)


def main() -> None:
    with bureau() as settings:
        status = asyncio.run(sell_one(settings))
    raise SystemExit(0 if status == "approved" else 1)


if __name__ == "__main__":
    main()
