"""An afternoon at a 4S registration station: a dealer's agent brings 14 new cars at 16:00.

Each car, concurrently with ``AsyncVehregClient``: its certificate by VIN, the
purchase-tax check (against the rules' expectation), a draw of plate numbers and a
choice, the photos, the registration, the plate and its label, the plate-fitted photo
and the approval.

python examples/car_station_afternoon.py [--out LABEL_DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from _sandbox import JPEG, bureau

from vehreg_sdk import AsyncVehregClient, ConflictError, labels, plates, rules
from vehreg_sdk.rules.cars import car_tax_class
from vehreg_sdk.types import Store

SHANGHAI = timezone(timedelta(hours=8))  # business dates are Asia/Shanghai (no DST)
CARS = 14
STATION_PHOTOS = ("invoice", "insurance_policy", "id_front", "vin_rubbing", "vehicle_photo")
# The afternoon's mix: petrol, hybrid, plug-in, range-extended and electric cars, MPVs, a van.
MIX = ("sedan_petrol", "sedan_hev", "nev_phev", "nev_erev", "nev_bev", "mpv", "van")


def stock(count: int) -> list[tuple[dict[str, Any], int]]:
    """The cars the agent brings (from the sandbox's pool) with their invoice prices."""
    from vehreg_sdk.sandbox.car_catalogue import model_of
    from vehreg_sdk.sandbox.car_seed import unused_car_certificates

    per_kind, rest = divmod(count, len(MIX))
    cars = [
        car
        for index, kind in enumerate(MIX)
        for car in unused_car_certificates(per_kind + (index < rest), categories=(kind,))
    ]
    return [(car, model_of(car).price_fen) for car in cars]


def buyer(index: int) -> dict[str, Any]:
    """A fictional local buyer (test identity with a valid check digit)."""
    from vehreg_sdk.sandbox.car_seed import demo_car_owner

    return demo_car_owner(200 + index)


async def choose_plate(client: AsyncVehregClient, vin: str, kind: str) -> Any:
    """Draw candidates and reserve the first still free (another dealer may be quicker)."""
    selection = await client.plate_selections.create(vin=vin, plate_kind=kind)
    for number in selection.candidates:
        try:
            return await client.plate_selections.choose(selection.id, number=number)
        except ConflictError as taken:
            if taken.code != "plate_number.taken":
                raise
    raise RuntimeError(f"every candidate for {vin} was taken; draw again")


async def register_one(
    client: AsyncVehregClient,
    store: Store,
    index: int,
    car: dict[str, Any],
    price_fen: int,
    out: Path,
    sandbox: bool,
) -> tuple[str, str, str]:
    today = datetime.now(SHANGHAI).date()
    certificate = await client.car_certificates.retrieve_by_vin(car["vin"])
    kind = rules.expected_car_plate_kind(certificate, certificate)

    # The tax: what the invoice says should be due, against what the tax office recorded.
    expected = rules.expected_purchase_tax(
        price_fen, today, certificate.energy_type, car_tax_class(certificate.vehicle_type)
    )
    tax = await client.purchase_tax.retrieve(certificate.vin)
    if tax.status == "unpaid" and sandbox:
        # In the sandbox the buyer "pays online" through a test helper.
        tax = await client.purchase_tax.test_helpers.pay(
            certificate.vin, price_fen=price_fen, invoice_date=today
        )
    assert tax.paid_fen in (None, expected.due_fen), "the tax office assessed another base"

    selection = await choose_plate(client, certificate.vin, kind.value)
    uploads = await asyncio.gather(
        *(client.uploads.create(kind=photo, file=JPEG) for photo in STATION_PHOTOS)
    )
    registration = await client.vehicle_registrations.create(
        store_id=store.id,
        vehicle={
            "vin": certificate.vin,
            "certificate_number": certificate.certificate_number,
            "vehicle_type": certificate.vehicle_type,
            "use_nature": "A",
            "fuel_type": certificate.fuel_type,
            "energy_type": certificate.energy_type,
            "color": certificate.color,
        },
        owner=buyer(index),
        invoice={
            "number": f"4400{16_00_00 + index:08d}",
            "date": today.isoformat(),
            "price_fen": price_fen,
        },
        insurance={
            "policy_number": f"PDZA{today:%Y}{16_00_00 + index:08d}",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=364)).isoformat(),
        },
        plate={"kind": kind.value, "source": "selection", "selection_id": selection.id},
        uploads=[upload.id for upload in uploads],
        certificate=certificate,
        tax=tax,
        client_reference=f"afternoon-{index:02d}",
    )
    registration = await client.vehicle_registrations.wait(
        registration.id, until={"plate_assigned", "rejected"}, timeout=60
    )
    claims = plates.verify_token(registration.plate_token or "", await client.keys.retrieve())
    assert claims.vehicle_code == certificate.vin

    label = labels.PlateLabel.from_registration(registration, store)
    for size in ("50x30", "60x40"):
        (out / f"{registration.plate_number}-{size}.png").write_bytes(
            labels.render(label, "png", size=size, dpi=203)
        )
    await client.vehicle_registrations.upload_photo(registration.id, kind="plate_fitted", file=JPEG)
    registration = await client.vehicle_registrations.wait(registration.id, timeout=60)
    return certificate.vin, str(registration.plate_number), str(registration.status)


async def afternoon(settings: dict[str, str], out: Path) -> list[tuple[str, str, str]]:
    cars = stock(CARS)
    async with AsyncVehregClient(**settings) as client:
        store = (await client.stores.list()).data[0]
        return await asyncio.gather(
            *(
                register_one(client, store, index, car, price, out, sandbox=bool(settings))
                for index, (car, price) in enumerate(cars)
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="where to write the labels")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="vehreg-afternoon-"))
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with bureau() as settings:
        results = asyncio.run(afternoon(settings, out))
    for vin, plate, status in results:
        print(f"{vin}  {plate}  {status}")
    approved = sum(1 for _, _, status in results if status == "approved")
    print(
        f"{approved}/{len(results)} cars approved "
        f"in {time.perf_counter() - started:.1f} s; labels in {out}"
    )
    raise SystemExit(0 if approved == len(results) == CARS else 1)


if __name__ == "__main__":
    main()
