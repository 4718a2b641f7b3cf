"""A buyer drives home on a temporary plate (临时行驶车号牌) until the metal plates are ready.

At a registration station (a store flagged ``temporary_plate_issuer``): the rules at the
till, the request, the bureau's issue, the paper plate printed (A5 PDF and PNG, its QR code
carrying the bureau-signed credential), the plate read back from the PDF and verified offline
(valid now, not yet valid the day before, expired after its last day). At an ordinary store
the plate is mailed and the buyer gets a receipt.

python examples/temporary_plate.py [--out DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from _sandbox import JPEG, bureau

from vehreg_sdk import LocalValidationError, VehregClient, labels, plates

SHANGHAI = timezone(timedelta(hours=8))  # business dates are Asia/Shanghai (no DST)
PAPERS = ("id_front", "insurance_policy", "certificate", "invoice")


def request(client: VehregClient, store_id: str, days: int) -> dict[str, Any]:
    """A bought, not yet registered car (a fictional buyer and a sandbox VIN), for ``days``."""
    from vehreg_sdk.sandbox.car_seed import demo_car_owner, unused_car_certificates

    (car,) = unused_car_certificates(1)
    today = datetime.now(SHANGHAI).date()
    return {
        "store_id": store_id,
        "situation": "purchased",
        "vin": car["vin"],
        "owner": demo_car_owner(11),
        "insurance": {
            "policy_number": "PDZA2026000000111",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=364)).isoformat(),
        },
        "valid_from": today,
        "valid_to": today + timedelta(days=days),
        "uploads": [client.uploads.create(kind=kind, file=JPEG).id for kind in PAPERS],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.mkdtemp(prefix="temp-plate-")))
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with bureau() as settings, VehregClient(**settings) as client:
        stores = list(client.stores.list())
        station = next(s for s in stores if s.temporary_plate_issuer)
        shop = next(s for s in stores if not s.temporary_plate_issuer)
        try:
            client.temporary_plates.create(**request(client, station.id, days=31))
        except LocalValidationError as refused:
            print(f"refused at the till / 本地拒绝: {refused.violations[0].message_zh}")
        fields = request(client, station.id, days=30)
        plate = client.temporary_plates.create(**fields)
        plate = client.temporary_plates.wait(plate.id, timeout=30)
        print(f"{plate.plate_number} issued / 已签发: {plate.valid_from} – {plate.last_valid_day}")
        sheet = labels.TemporaryPlateSheet.from_plate(plate, station)
        pdf, png = out / f"{plate.id}.pdf", out / f"{plate.id}.png"
        pdf.write_bytes(labels.render_temporary_plate(sheet, "pdf", paper="A5"))
        png.write_bytes(labels.render_temporary_plate(sheet, "png", paper="A5"))
        keys = client.keys.retrieve()
        token = labels.read_token(pdf)
        claims = plates.verify_token(token, keys, vin=fields["vin"])
        print(f"printed plate verified / 核验通过: {claims.plate} ({pdf})")
        assert claims.not_before is not None and claims.expires_at is not None
        for moment, expected in (
            (claims.not_before - timedelta(seconds=1), plates.TokenNotYetValidError),
            (claims.expires_at, plates.TokenExpiredError),
        ):
            try:
                plates.verify_token(token, keys, now=moment)
            except expected as verdict:
                print(f"at {moment.isoformat()}: {verdict.message_zh}")
        again = client.temporary_plates.create(**fields)  # a retry: the business key answers
        print(f"retried / 重试: the same plate {again.id == plate.id}, issue {again.issue_number}")
        mailed = client.temporary_plates.create(**request(client, shop.id, days=15))
        mailed = client.temporary_plates.wait(mailed.id, timeout=30)
        receipt = out / f"{mailed.id}-receipt.pdf"
        receipt.write_bytes(
            labels.render_temporary_plate(labels.TemporaryPlateSheet.from_plate(mailed, shop))
        )
        print(
            f"{mailed.plate_number} mailed / 已邮寄 ({mailed.delivery.tracking_number}): {receipt}"
        )


if __name__ == "__main__":
    main()
