"""Code 128 (ISO/IEC 15417), code sets B and C: a small, correct encoder.

Why our own: python-barcode 0.16.1 (the newest release) drops a leading "99"
from numeric data (WhyNotHugo/python-barcode#251): ``Code128("9912345678")``
encodes ``12345678``. The vehicle code (整车编码) on a label is numeric and may
well start with 99, so that bug would print a barcode that scans to the wrong
vehicle. ``tests/labels/test_barcode128.py`` proves the bug with a zxing-cpp
decode and checks this encoder against python-barcode everywhere else.
Printers that draw barcodes themselves (TSPL ``BARCODE "128"``, ZPL ``^BC``,
ESC/POS ``GS k``) get the data, and for ESC/POS the code-set segments chosen here.
"""

from __future__ import annotations

from dataclasses import dataclass

# Bar/space widths of symbol values 0..105, then the stop pattern (ISO/IEC 15417 table 1).
_WIDTHS = (  # noqa: SIM905 - a table reads better as text
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 "
    "122132 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 "
    "321221 312212 322112 322211 212123 212321 232121 111323 131123 131321 112313 132113 132311 "
    "211313 231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 231131 213113 "
    "213311 213131 311123 311321 331121 312113 312311 332111 314111 221411 431111 111224 111422 "
    "121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 241211 221114 413111 "
    "241112 134111 111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 214121 "
    "412121 111143 111341 131141 114113 114311 411113 411311 113141 114131 311141 411131 211412 "
    "211214 211232 2331112"
).split()
START_B, START_C, CODE_B, CODE_C, STOP = 104, 105, 100, 99, 106
QUIET_ZONE_MODULES = 10


class BarcodeDataError(ValueError):
    """The text cannot be put in Code 128 sets B/C (only printable ASCII can)."""

    def __init__(self, text: str) -> None:
        super().__init__(
            f"Code 128 labels take printable ASCII only, not {text!r} "
            "/ 条码只支持可打印的 ASCII 字符"
        )


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of the data in one code set: ``"B"`` (characters) or ``"C"`` (digit pairs)."""

    code_set: str
    text: str


@dataclass(frozen=True, slots=True)
class Code128:
    """An encoded symbol: the data, its code-set segments, the symbol values with check and stop,
    and the modules (``"1"`` bar, ``"0"`` space) without quiet zones."""

    text: str
    segments: tuple[Segment, ...]
    values: tuple[int, ...]
    modules: str

    @property
    def width_modules(self) -> int:
        return len(self.modules)

    def bar_runs(self) -> list[tuple[int, int]]:
        """Bars as (first module, width in modules)."""
        runs: list[tuple[int, int]] = []
        start = -1
        for index, module in enumerate(self.modules + "0"):
            if module == "1" and start < 0:
                start = index
            elif module == "0" and start >= 0:
                runs.append((start, index - start))
                start = -1
        return runs


def _digits(text: str, start: int) -> bool:
    pair = text[start : start + 2]
    return len(pair) == 2 and pair.isascii() and pair.isdigit()


def segment(text: str) -> tuple[Segment, ...]:
    """Split ``text`` into code-set segments giving the fewest symbol values (so the narrowest
    symbol): a shortest path over (position, code set), where set C takes a digit pair, set B
    one character, and a switch costs one value. Ties stay in the current set."""
    if not text or any(not (32 <= ord(ch) <= 126) for ch in text):
        raise BarcodeDataError(text)
    n = len(text)
    infinity = 10 * n + 10
    # cost[i][s]: values needed for text[i:] when in set s (0 = B, 1 = C) at position i.
    cost = [[0, 0] for _ in range(n + 1)]
    step: list[list[tuple[int, int]]] = [[(0, 0), (0, 0)] for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        pair = _digits(text, i)
        in_b = 1 + cost[i + 1][0]
        b_to_c = 2 + cost[i + 2][1] if pair else infinity
        cost[i][0], step[i][0] = (in_b, (i + 1, 0)) if in_b <= b_to_c else (b_to_c, (i + 2, 1))
        in_c = 1 + cost[i + 2][1] if pair else infinity
        c_to_b = 2 + cost[i + 1][0]
        cost[i][1], step[i][1] = (in_c, (i + 2, 1)) if in_c <= c_to_b else (c_to_b, (i + 1, 0))
    code_set = 1 if _digits(text, 0) and cost[0][1] < cost[0][0] else 0
    segments: list[Segment] = []
    position = 0
    while position < n:
        if code_set == 1 and not _digits(text, position):
            code_set = 0  # a C state can only continue by switching
        following, next_set = step[position][code_set]
        if next_set != code_set and following - position == 2:
            # Switch to C before the pair: the pair belongs to the C segment.
            code_set = 1
            following, next_set = position + 2, 1
        elif next_set != code_set:
            code_set = 0
        name = "C" if code_set == 1 else "B"
        chunk = text[position:following]
        if segments and segments[-1].code_set == name:
            segments[-1] = Segment(name, segments[-1].text + chunk)
        else:
            segments.append(Segment(name, chunk))
        position, code_set = following, next_set
    return tuple(segments)


def encode(text: str) -> Code128:
    """Encode printable ASCII ``text``; raises :class:`BarcodeDataError` otherwise."""
    segments = segment(text)
    values: list[int] = [START_C if segments[0].code_set == "C" else START_B]
    for index, seg in enumerate(segments):
        if index:
            values.append(CODE_C if seg.code_set == "C" else CODE_B)
        if seg.code_set == "C":
            values.extend(int(seg.text[i : i + 2]) for i in range(0, len(seg.text), 2))
        else:
            values.extend(ord(ch) - 32 for ch in seg.text)
    checksum = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    values.extend([checksum, STOP])
    parts: list[str] = []
    for value in values:
        bar = True
        for width in _WIDTHS[value]:
            parts.append(("1" if bar else "0") * int(width))
            bar = not bar
    return Code128(text=text, segments=segments, values=tuple(values), modules="".join(parts))
