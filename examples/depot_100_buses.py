"""The 100-bus depot: a bus company's new battery-electric buses, inspected and plated on site.

灌云县's bus company bought 100 city buses (K11, use nature C 公交客运, fuel C, plate kind
51 大型新能源). They are key vehicles (重点车辆), so they are never registered at a
station: the company requests an on-site inspection (上门查验) with the safety test
(安全技术检验) at its depot, the purchase tax is exempt (城市公交企业), and then one bulk
run registers every bus through the inspection, with its supervision enrolment and
plates in sequence; the bureau approves them.

python examples/depot_100_buses.py [--buses 100] [--workdir DIR]

Against a sandbox the vehicle office's part (scheduling, inspecting) is played by the
test helpers; the same bulk run is ``vehreg bulk submit depot.csv --kind car --onsite ID``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _sandbox import bureau

from vehreg_sdk import VehregClient
from vehreg_sdk.rules import business_date
from vehreg_sdk.testing.fleet import prepare_depot


def wait_all_approved(client: VehregClient, vins: set[str], timeout: float = 120) -> list:
    """The fleet's registrations once every one is final (the bureau reviews them)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in client.vehicle_registrations.list(limit=100) if r.vehicle.vin in vins]
        if len(found) == len(vins) and all(r.is_final for r in found):
            return found
        if time.monotonic() > deadline:
            from collections import Counter

            print(Counter(str(r.status) for r in found), len(found))
            raise TimeoutError("the bureau did not finish reviewing the fleet")
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buses", type=int, default=100)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="depot-"))

    with bureau() as settings, VehregClient(**settings) as client:
        depot = prepare_depot(client, args.buses, workdir, on=business_date(None))
        print(f"On-site inspection {depot.inspection_id}: {len(depot.vins)} buses inspected, "
              "safety tests passed 上门查验完成")  # fmt: skip
        result = client.car_bulk.submit(
            depot.sheet,
            onsite_inspection_id=depot.inspection_id,
            journal=workdir / "depot.journal.sqlite",
        )
        print(f"Bulk run 批量提交: {result.counts.registered} registered, "
              f"{result.counts.rejected + result.counts.invalid} refused")  # fmt: skip
        if result.counts.registered != len(depot.vins):
            result.export_rejected(workdir / "depot.rejected.csv")
            print(f"Rejected rows 未通过的行: {workdir / 'depot.rejected.csv'}")
            return 1
        registrations = wait_all_approved(client, set(depot.vins))
    approved = [r for r in registrations if r.status == "approved"]
    numbers = sorted(r.plate_number or "" for r in approved)
    for registration in sorted(approved, key=lambda r: r.plate_number or "")[:3]:
        print(registration.vehicle.vin, registration.plate_number, registration.plate_kind)
    print(f"{len(approved)}/{len(depot.vins)} buses approved, plates {numbers[0]} … {numbers[-1]}")
    return 0 if len(approved) == len(depot.vins) else 1


if __name__ == "__main__":
    raise SystemExit(main())
