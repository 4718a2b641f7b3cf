"""Check a printed plate label offline, with the bureau's keys and its revocation list.

A roadside officer's phone (or a shop's till) keeps two files, refreshed when online:
the bureau's keys (GET /v1/keys) and the signed plate status list (GET /v1/plate-status,
fetched whole once, then only what is new). Then it checks a label's QR code with no
network: genuine, and not revoked as of the list's date.

python examples/plate_revocation.py          # against an embedded sandbox
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _sandbox import bureau, scan_and_owner

from vehreg_sdk import VehregClient, plates, rules
from vehreg_sdk.labels import PlateLabel, render
from vehreg_sdk.labels.read import read_token
from vehreg_sdk.types import EbikeVehicle, Owner, Sale

SHANGHAI = timezone(timedelta(hours=8))  # business dates are Asia/Shanghai (no DST)


def main(settings: dict[str, str], folder: Path) -> None:
    scan, buyer = scan_and_owner(1)
    with VehregClient(**settings) as client:
        store = client.stores.list().data[0]
        vehicle_code = rules.parse_certificate_qr(scan)
        assert vehicle_code
        certificate = client.certificates.retrieve(vehicle_code)
        registration = client.ebike_registrations.create(
            store_id=store.id,
            vehicle=EbikeVehicle.from_certificate(certificate, color="白"),
            owner=Owner(**buyer),
            sale=Sale(
                invoice_number="25320000000456",
                invoice_date=datetime.now(SHANGHAI).date(),
                price_fen=329_900,
                clerk_id="C001",
            ),
            certificate=certificate,
        )
        credential = registration.plate_credential or ""
        print(f"plate {registration.plate_number}: credential of {len(credential)} characters")
        label_file = folder / "label.png"
        label_file.write_bytes(render(PlateLabel.from_registration(registration, store), "png"))

        # Online moments: keep the keys and the status list.
        jwks = plates.load_jwks(plates.save_jwks(folder / "jwks.json", client.keys.retrieve()))
        status = plates.verify_status(client.plate_status.retrieve(), jwks)
        plates.save_status(folder / "status.json", status)

        # The sale is reversed: the bureau revokes the plate.
        client.ebike_registrations.cancel(registration.id, reason="sale reversed")
        newer = client.plate_status.retrieve(since=status.version)  # only what is new
        plates.save_status(
            folder / "status.json", status.updated(plates.verify_status(newer, jwks))
        )

    # Offline: read the printed label and check it.
    token = read_token(label_file)
    cached = plates.load_status(folder / "status.json", jwks)
    try:
        plates.verify_token(token, jwks, status=cached)
    except plates.TokenRevokedError as revoked:
        print(f"revoked: {revoked.reason} (list of {revoked.list_issued_at:%Y-%m-%d %H:%M} UTC)")
        print(revoked.message_zh)


if __name__ == "__main__":
    with bureau() as settings, tempfile.TemporaryDirectory() as tmp:
        main(settings, Path(tmp))
