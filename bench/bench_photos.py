"""Benchmark: preparing phone photos (vehreg_sdk.photos.prepare_photo).

The baseline, in the same run on the same bytes, is Pillow alone decoding the
photo fully and saving it again as JPEG quality 85 (the least any re-encoding
costs), so the ratio does not depend on the machine. prepare_photo does more
(it also reduces the photo), but decodes at reduced scale where the photo is
twice too big and encodes a smaller image. Target: at most 1.5 x the baseline,
and every prepared photo within 2560 px and 1.5 MB.

    python bench/bench_photos.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

from PIL import Image

from vehreg_sdk.photos import MAX_BYTES, MAX_LONG_SIDE, prepare_photo
from vehreg_sdk.testing.photos import phone_photo

SIZES = {"12 MP (4032x3024)": (4032, 3024), "27 MP (6000x4500)": (6000, 4500)}
TARGET_RATIO = 1.5


def _median(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _baseline(data: bytes) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'photo':<20} {'in MB':>6} {'out MB':>7} {'out px':>10} {'prepare s':>10} "
          f"{'baseline s':>11} {'ratio':>6}")  # fmt: skip
    for name, size in SIZES.items():
        data = phone_photo(size, orientation=6)
        prepared = prepare_photo(data)
        assert len(prepared.data) <= MAX_BYTES
        assert max(prepared.width, prepared.height) <= MAX_LONG_SIDE
        ours = _median(lambda data=data: prepare_photo(data), args.repeat)
        base = _median(lambda data=data: _baseline(data), args.repeat)
        ratio = ours / base
        verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
        print(
            f"{name:<20} {len(data) / 1e6:>6.1f} {len(prepared.data) / 1e6:>7.2f} "
            f"{prepared.width:>4}x{prepared.height:<5} {ours:>10.3f} {base:>11.3f} "
            f"{ratio:>5.2f}x {verdict} (target <= {TARGET_RATIO:g}x)"
        )


if __name__ == "__main__":
    main()
