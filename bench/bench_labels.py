"""Benchmark: plate labels per second in each format, and a 200-label A4 PDF sheet.

Each measured label is new (its own signed token, so its own QR code) and is laid out
and rendered from its ``PlateLabel``, as at the till. The baseline, in the same run and
on the same payloads, is a bare ``qrcode.make(token)`` (the QR image alone, no text, no
barcode), so the ratios do not depend on the machine. Targets (issue 5): PNG >= 100
labels/s, TSPL and ZPL >= 5,000 labels/s, the 200-label sheet < 3 s.

    /work/venv/bin/python bench/bench_labels.py [--labels 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date

import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vehreg_sdk import _jws
from vehreg_sdk.labels import PlateLabel, layout_label, render, render_sheet

TARGETS = {"png": 100.0, "tspl": 5000.0, "zpl": 5000.0}
SHEET_TARGET_S = 3.0
FORMATS = ["png", "svg", "pdf", "tspl", "zpl", "escpos", "escpos-raster"]


def make_labels(count: int) -> list[PlateLabel]:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    labels = []
    for i in range(count):
        plate = f"苏G·B{i:05d}"
        vehicle_code = f"3207{i:011d}"
        claims = {
            "iss": "vehreg-sandbox",
            "plate": plate,
            "registration_id": f"reg_{i:020x}",
            "vehicle_code": vehicle_code,
            "store_id": "st_demo_haizhou_1",
            "iat": 1_790_000_000 + i,
        }
        labels.append(
            PlateLabel(
                plate_number=plate,
                registration_id=claims["registration_id"],
                plate_token=_jws.sign_compact(claims, key, "bench-2026"),
                store_name="海州区雅迪电动车专卖店",
                vehicle_code=vehicle_code,
                product_model="TDT2210Z",
                color="白",
                brand="雅迪",
                issue_date=date(2026, 9, 21),
            )
        )
    return labels


def best_rate(work: Callable[[PlateLabel], object], labels: list[PlateLabel], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for label in labels:
            work(label)
        best = min(best, time.perf_counter() - started)
    return len(labels) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    labels = make_labels(args.labels)
    for label in labels[:3]:  # warm caches (fonts, QR tables), as a running till would have
        for fmt in FORMATS:
            render(label, fmt.removesuffix("-raster"), raster=fmt.endswith("raster"))

    baseline = best_rate(lambda label: qrcode.make(label.plate_token), labels, args.repeat)
    print(
        f"baseline qrcode.make(token): {baseline:,.0f} labels/s "
        f"(token {len(labels[0].plate_token)} chars)"
    )
    print(f"{'format':<14} {'labels/s':>10} {'x baseline':>11}  target")
    for fmt in FORMATS:
        name, raster = fmt.removesuffix("-raster"), fmt.endswith("raster")
        rate = best_rate(
            lambda label, name=name, raster=raster: render(
                layout_label(label, "50x30", 203), name, raster=raster
            ),
            labels,
            args.repeat,
        )
        target = TARGETS.get(fmt)
        verdict = (
            "" if target is None else f">= {target:,.0f}/s {'ok' if rate >= target else 'MISSED'}"
        )
        print(f"{fmt:<14} {rate:>10,.0f} {rate / baseline:>10.1f}x  {verdict}")

    sheet_labels = make_labels(200)
    best = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        pdf = render_sheet(sheet_labels, size="50x30", dpi=300)
        best = min(best, time.perf_counter() - started)
    baseline_200 = 200 / baseline
    print(
        f"A4 sheet, 200 labels (6 pages, {len(pdf) / 1e6:.1f} MB): {best:.2f} s "
        f"= {best / baseline_200:.2f}x the baseline's time for 200 QR codes "
        f"({baseline_200:.2f} s); target < {SHEET_TARGET_S:g} s "
        f"{'ok' if best < SHEET_TARGET_S else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
