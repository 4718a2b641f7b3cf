"""Benchmark: QR geometry before/after the compact credential, plate labels per second in
each format, and a 200-label A4 PDF sheet.

Geometry (issue 12): for a typical e-bike label, the QR version and module size in printer
dots for both label sizes and both resolutions, with the v1 JWS (before: byte mode) and the
compact ``VP1:`` credential (after: alphanumeric mode), per output format: PNG/SVG/PDF draw
zxing-cpp's symbol; ZPL and TSPL are told the input mode, and the version the printer makes
is computed with ``qrcode`` from the job's own mode; ESC/POS ``GS ( k`` leaves the mode to
the firmware (smallest mode assumed). Targets: version <= 8 at level M; modules >= 3 dots on
50 x 30 at 203 dpi, >= 4 on 60 x 40.

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
from dataclasses import replace
from datetime import date

import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

from vehreg_sdk import _cwt, _jws
from vehreg_sdk._plate_claims import encode_claims
from vehreg_sdk.labels import PlateLabel, layout_label, render, render_sheet

TARGETS = {"png": 100.0, "tspl-fonts": 5000.0, "zpl-fonts": 5000.0}
MODULE_TARGETS = {("50x30", 203): 3, ("60x40", 203): 4}
SHEET_TARGET_S = 3.0
FORMATS = [
    "png",
    "svg",
    "pdf",
    "tspl",
    "tspl-fonts",
    "zpl",
    "zpl-fonts",
    "escpos",
    "escpos-raster",
]


def make_labels(count: int) -> list[PlateLabel]:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    labels = []
    for i in range(count):
        plate = f"苏G·B{i:05d}"
        vehicle_code = f"3207{i:011d}"
        claims = {
            "iss": "vehreg-sandbox",
            "plate": plate,
            "registration_id": f"reg_{i:024x}",
            "vehicle_code": vehicle_code,
            "store_id": "st_demo_haizhou_1",
            "iat": 1_790_000_000 + i,
        }
        labels.append(
            PlateLabel(
                plate_number=plate,
                registration_id=claims["registration_id"],
                plate_token=_jws.sign_compact(claims, key, "bench-2026"),
                plate_credential=_cwt.sign(
                    encode_claims(
                        issuer="vehreg-sandbox",
                        issued_at=claims["iat"],
                        plate=plate,
                        plate_kind=0,
                        registration_id=claims["registration_id"],
                        vehicle_code=vehicle_code,
                    ),
                    key,
                    "bench-2026",
                ),
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


def printer_version(payload: str, alphanumeric: bool) -> int:
    """The version a printer makes at level M in the given input mode (``qrcode``'s tables)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(QRData(payload.encode(), mode=MODE_ALPHA_NUM if alphanumeric else MODE_8BIT_BYTE))
    code.make(fit=True)
    return int(code.version)


def geometry(label: PlateLabel) -> None:
    print("QR geometry of a typical e-bike label, level M (before: v1 JWS; after: VP1: credential)")
    print(
        f"{'label':<12} {'':<7} {'chars':>5}  {'PNG/SVG/PDF':>11}  {'ZPL/TSPL':>9}  "
        f"{'ESC/POS':>8}  {'module':>6}  target"
    )
    for size in ("50x30", "60x40"):
        for dpi in (203, 300):
            for name, item in (("before", replace(label, plate_credential=None)), ("after", label)):
                layout = layout_label(item, size, dpi)
                qr = layout.qr
                printed = printer_version(qr.payload, qr.alphanumeric)
                smallest = printed  # GS ( k: the firmware picks the mode (smallest assumed)
                target = MODULE_TARGETS.get((size, dpi))
                verdict = ""
                if name == "after" and target is not None:
                    ok = qr.module >= target and qr.version <= 8
                    verdict = f">= {target} dots, v <= 8 {'ok' if ok else 'MISSED'}"
                print(
                    f"{size + ' @' + str(dpi):<12} {name:<7} {len(qr.payload):>5}  "
                    f"{'v' + str(qr.version):>11}  {'v' + str(printed):>9}  "
                    f"{'v' + str(smallest):>8}  {qr.module:>4} d  {verdict}"
                )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    labels = make_labels(args.labels)
    geometry(labels[0])
    for label in labels[:3]:  # warm caches (fonts, QR tables), as a running till would have
        for fmt in FORMATS:
            name = fmt.removesuffix("-raster").removesuffix("-fonts")
            render(label, name, raster=fmt.endswith("raster"), printer_fonts=fmt.endswith("fonts"))

    baseline = best_rate(lambda label: qrcode.make(label.qr_payload), labels, args.repeat)
    print(
        f"baseline qrcode.make(credential): {baseline:,.0f} labels/s "
        f"(credential {len(labels[0].qr_payload)} chars)"
    )
    print(f"{'format':<14} {'labels/s':>10} {'x baseline':>11}  target")
    for fmt in FORMATS:
        name = fmt.removesuffix("-raster").removesuffix("-fonts")
        raster, fonts = fmt.endswith("raster"), fmt.endswith("fonts")
        rate = best_rate(
            lambda label, name=name, raster=raster, fonts=fonts: render(
                layout_label(label, "50x30", 203), name, raster=raster, printer_fonts=fonts
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
