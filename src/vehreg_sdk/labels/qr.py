"""A fast QR Code (model 2) encoder for label payloads: byte mode, ISO/IEC 18004.

Why not ``qrcode``: a plate token is ~450 bytes (version 16-M) and ``qrcode``
spends ~30 ms on it, most of it choosing the mask in pure Python. Labels must
render at >= 100/s and a 200-label sheet in < 3 s, so this module keeps the
bits in Python integers (one per row) and scores the eight masks with bit
operations and regular expressions. The output is module-for-module the same
symbol ``qrcode`` makes (same version, mask and bits); the tests check that,
and decode every rendered label with zxing-cpp. See
``docs/decisions/0005-labels-qr-encoder.md``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

ErrorLevel = Literal["L", "M", "Q", "H"]

# Per version: for L, M, Q, H "ec-codewords-per-block:COUNTxDATA[+COUNTxDATA]", then "|" and
# the alignment pattern centres. Facts from ISO/IEC 18004 tables 9 and E.1.
_TABLE = (
    "7:1x19 10:1x16 13:1x13 17:1x9 |",
    "10:1x34 16:1x28 22:1x22 28:1x16 |6,18",
    "15:1x55 26:1x44 18:2x17 22:2x13 |6,22",
    "20:1x80 18:2x32 26:2x24 16:4x9 |6,26",
    "26:1x108 24:2x43 18:2x15+2x16 22:2x11+2x12 |6,30",
    "18:2x68 16:4x27 24:4x19 28:4x15 |6,34",
    "20:2x78 18:4x31 18:2x14+4x15 26:4x13+1x14 |6,22,38",
    "24:2x97 22:2x38+2x39 22:4x18+2x19 26:4x14+2x15 |6,24,42",
    "30:2x116 22:3x36+2x37 20:4x16+4x17 24:4x12+4x13 |6,26,46",
    "18:2x68+2x69 26:4x43+1x44 24:6x19+2x20 28:6x15+2x16 |6,28,50",
    "20:4x81 30:1x50+4x51 28:4x22+4x23 24:3x12+8x13 |6,30,54",
    "24:2x92+2x93 22:6x36+2x37 26:4x20+6x21 28:7x14+4x15 |6,32,58",
    "26:4x107 22:8x37+1x38 24:8x20+4x21 22:12x11+4x12 |6,34,62",
    "30:3x115+1x116 24:4x40+5x41 20:11x16+5x17 24:11x12+5x13 |6,26,46,66",
    "22:5x87+1x88 24:5x41+5x42 30:5x24+7x25 24:11x12+7x13 |6,26,48,70",
    "24:5x98+1x99 28:7x45+3x46 24:15x19+2x20 30:3x15+13x16 |6,26,50,74",
    "28:1x107+5x108 28:10x46+1x47 28:1x22+15x23 28:2x14+17x15 |6,30,54,78",
    "30:5x120+1x121 26:9x43+4x44 28:17x22+1x23 28:2x14+19x15 |6,30,56,82",
    "28:3x113+4x114 26:3x44+11x45 26:17x21+4x22 26:9x13+16x14 |6,30,58,86",
    "28:3x107+5x108 26:3x41+13x42 30:15x24+5x25 28:15x15+10x16 |6,34,62,90",
    "28:4x116+4x117 26:17x42 28:17x22+6x23 30:19x16+6x17 |6,28,50,72,94",
    "28:2x111+7x112 28:17x46 30:7x24+16x25 24:34x13 |6,26,50,74,98",
    "30:4x121+5x122 28:4x47+14x48 30:11x24+14x25 30:16x15+14x16 |6,30,54,78,102",
    "30:6x117+4x118 28:6x45+14x46 30:11x24+16x25 30:30x16+2x17 |6,28,54,80,106",
    "26:8x106+4x107 28:8x47+13x48 30:7x24+22x25 30:22x15+13x16 |6,32,58,84,110",
    "28:10x114+2x115 28:19x46+4x47 28:28x22+6x23 30:33x16+4x17 |6,30,58,86,114",
    "30:8x122+4x123 28:22x45+3x46 30:8x23+26x24 30:12x15+28x16 |6,34,62,90,118",
    "30:3x117+10x118 28:3x45+23x46 30:4x24+31x25 30:11x15+31x16 |6,26,50,74,98,122",
    "30:7x116+7x117 28:21x45+7x46 30:1x23+37x24 30:19x15+26x16 |6,30,54,78,102,126",
    "30:5x115+10x116 28:19x47+10x48 30:15x24+25x25 30:23x15+25x16 |6,26,52,78,104,130",
    "30:13x115+3x116 28:2x46+29x47 30:42x24+1x25 30:23x15+28x16 |6,30,56,82,108,134",
    "30:17x115 28:10x46+23x47 30:10x24+35x25 30:19x15+35x16 |6,34,60,86,112,138",
    "30:17x115+1x116 28:14x46+21x47 30:29x24+19x25 30:11x15+46x16 |6,30,58,86,114,142",
    "30:13x115+6x116 28:14x46+23x47 30:44x24+7x25 30:59x16+1x17 |6,34,62,90,118,146",
    "30:12x121+7x122 28:12x47+26x48 30:39x24+14x25 30:22x15+41x16 |6,30,54,78,102,126,150",
    "30:6x121+14x122 28:6x47+34x48 30:46x24+10x25 30:2x15+64x16 |6,24,50,76,102,128,154",
    "30:17x122+4x123 28:29x46+14x47 30:49x24+10x25 30:24x15+46x16 |6,28,54,80,106,132,158",
    "30:4x122+18x123 28:13x46+32x47 30:48x24+14x25 30:42x15+32x16 |6,32,58,84,110,136,162",
    "30:20x117+4x118 28:40x47+7x48 30:43x24+22x25 30:10x15+67x16 |6,26,54,82,110,138,166",
    "30:19x118+6x119 28:18x47+31x48 30:34x24+34x25 30:20x15+61x16 |6,30,58,86,114,142,170",
)
_LEVEL_INDEX: dict[str, int] = {"L": 0, "M": 1, "Q": 2, "H": 3}
_LEVEL_BITS: dict[str, int] = {"L": 1, "M": 0, "Q": 3, "H": 2}
_PAD = (0xEC, 0x11)


class QrCapacityError(ValueError):
    """The payload does not fit in a version-40 symbol at this error level."""


@dataclass(frozen=True, slots=True)
class QrMatrix:
    """A QR symbol, no quiet zone: ``rows[r]`` has bit ``size - 1 - c`` set if (r, c) is dark."""

    size: int
    rows: tuple[int, ...]
    version: int
    error_level: str
    mask: int

    def is_dark(self, row: int, col: int) -> bool:
        return bool((self.rows[row] >> (self.size - 1 - col)) & 1)

    def row_runs(self, row: int) -> list[tuple[int, int]]:
        """Dark runs of one row as (first column, length): what vector renderers draw."""
        text = format(self.rows[row], f"0{self.size}b")
        return [(m.start(), m.end() - m.start()) for m in re.finditer("1+", text)]

    def as_text(self) -> list[str]:
        return [format(value, f"0{self.size}b") for value in self.rows]


def _blocks(version: int, level: str) -> tuple[int, list[int]]:
    spec = _TABLE[version - 1].split("|")[0].split()[_LEVEL_INDEX[level]]
    ec_text, groups = spec.split(":")
    sizes: list[int] = []
    for group in groups.split("+"):
        count, data = group.split("x")
        sizes.extend([int(data)] * int(count))
    return int(ec_text), sizes


def _alignment_centres(version: int) -> list[int]:
    text = _TABLE[version - 1].split("|")[1]
    return [int(x) for x in text.split(",")] if text else []


# --------------------------------------------------------------------------- GF(256) and RS

_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _i in range(255):
    _EXP[_i] = _value
    _LOG[_value] = _i
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


@lru_cache(maxsize=64)
def _generator_products(ec_count: int) -> tuple[int, ...]:
    """For each lead byte, the generator polynomial's tail times that byte, packed big-endian in
    one int: polynomial division then costs one shift and one XOR per data byte."""
    poly = [1]
    for i in range(ec_count):
        nxt = [0] * (len(poly) + 1)
        for j, coef in enumerate(poly):
            nxt[j] ^= coef
            if coef:
                nxt[j + 1] ^= _EXP[_LOG[coef] + i]
        poly = nxt
    tail = poly[1:]
    products = [0]
    for lead in range(1, 256):
        log_lead = _LOG[lead]
        product = bytes(_EXP[log_lead + _LOG[c]] if c else 0 for c in tail)
        products.append(int.from_bytes(product))
    return tuple(products)


def _ec_codewords(data: bytes, ec_count: int) -> bytes:
    products = _generator_products(ec_count)
    shift = 8 * (ec_count - 1)
    keep = (1 << shift) - 1
    remainder = 0
    for byte in data:
        remainder = ((remainder & keep) << 8) ^ products[byte ^ (remainder >> shift)]
    return remainder.to_bytes(ec_count)


# --------------------------------------------------------------------------- layout per version


@dataclass(frozen=True, slots=True)
class _Template:
    size: int
    fixed_dark_rows: tuple[int, ...]  # finder, timing and alignment modules that are always dark
    placement: tuple[tuple[int, int], ...]  # data cells in bit order
    mask_rows: tuple[tuple[int, ...], ...]  # per mask: data cells the mask flips
    mask_cols: tuple[tuple[int, ...], ...]


def _mask_condition(mask: int, r: int, c: int) -> bool:
    if mask == 0:
        return (r + c) % 2 == 0
    if mask == 1:
        return r % 2 == 0
    if mask == 2:
        return c % 3 == 0
    if mask == 3:
        return (r + c) % 3 == 0
    if mask == 4:
        return (r // 2 + c // 3) % 2 == 0
    if mask == 5:
        return (r * c) % 2 + (r * c) % 3 == 0
    if mask == 6:
        return ((r * c) % 2 + (r * c) % 3) % 2 == 0
    return ((r * c) % 3 + (r + c) % 2) % 2 == 0


def _bch(data: int, generator: int, length: int) -> int:
    value = data << (length - 1)
    for shift in range(value.bit_length() - generator.bit_length(), -1, -1):
        if value & (1 << (shift + generator.bit_length() - 1)):
            value ^= generator << shift
    return (data << (length - 1)) | value


def _format_bits(level: str, mask: int) -> int:
    return _bch((_LEVEL_BITS[level] << 3) | mask, 0x537, 11) ^ 0x5412


def _format_cells(size: int) -> list[tuple[int, int, int]]:
    """(bit index, row, col) of both copies of the 15 format bits (same order as ``qrcode``)."""
    cells: list[tuple[int, int, int]] = []
    for i in range(15):
        if i < 6:
            cells.append((i, i, 8))
        elif i < 8:
            cells.append((i, i + 1, 8))
        else:
            cells.append((i, size - 15 + i, 8))
    for i in range(15):
        if i < 8:
            cells.append((i, 8, size - i - 1))
        elif i < 9:
            cells.append((i, 8, 15 - i))
        else:
            cells.append((i, 8, 15 - i - 1))
    return cells


@lru_cache(maxsize=8)
def _template(version: int) -> _Template:
    size = version * 4 + 17
    grid: list[list[int | None]] = [[None] * size for _ in range(size)]

    def finder(top: int, left: int) -> None:
        for r in range(-1, 8):
            for c in range(-1, 8):
                rr, cc = top + r, left + c
                if 0 <= rr < size and 0 <= cc < size:
                    ring = max(abs(r - 3), abs(c - 3))
                    grid[rr][cc] = 1 if ring in (0, 1, 3) else 0

    finder(0, 0)
    finder(size - 7, 0)
    finder(0, size - 7)
    centres = _alignment_centres(version)
    for r0 in centres:
        for c0 in centres:
            if grid[r0][c0] is not None:
                continue
            for r in range(-2, 3):
                for c in range(-2, 3):
                    grid[r0 + r][c0 + c] = 1 if max(abs(r), abs(c)) != 1 else 0
    for i in range(8, size - 8):
        if grid[6][i] is None:
            grid[6][i] = 1 if i % 2 == 0 else 0
        if grid[i][6] is None:
            grid[i][6] = 1 if i % 2 == 0 else 0
    reserved: list[tuple[int, int]] = [(r, c) for _, r, c in _format_cells(size)]
    reserved.append((size - 8, 8))
    if version >= 7:
        for i in range(18):
            reserved.append((i // 3, i % 3 + size - 11))
            reserved.append((i % 3 + size - 11, i // 3))
    # Format, version and dark-module cells stay light while the masks are scored (as qrcode does).
    for r, c in reserved:
        grid[r][c] = 0

    placement: list[tuple[int, int]] = []
    row, step = size - 1, -1
    col = size - 1
    while col > 0:
        if col == 6:
            col -= 1
        while 0 <= row < size:
            for c in (col, col - 1):
                if grid[row][c] is None:
                    placement.append((row, c))
            row += step
        row -= step
        step = -step
        col -= 2

    def rows_of(cells: list[tuple[int, int]]) -> tuple[int, ...]:
        out = [0] * size
        for r, c in cells:
            out[r] |= 1 << (size - 1 - c)
        return tuple(out)

    def cols_of(cells: list[tuple[int, int]]) -> tuple[int, ...]:
        out = [0] * size
        for r, c in cells:
            out[c] |= 1 << (size - 1 - r)
        return tuple(out)

    fixed_dark = [(r, c) for r in range(size) for c in range(size) if grid[r][c] == 1]
    mask_cells = [[(r, c) for r, c in placement if _mask_condition(m, r, c)] for m in range(8)]
    return _Template(
        size=size,
        fixed_dark_rows=rows_of(fixed_dark),
        placement=tuple(placement),
        mask_rows=tuple(rows_of(cells) for cells in mask_cells),
        mask_cols=tuple(cols_of(cells) for cells in mask_cells),
    )


# --------------------------------------------------------------------------- encoding


def _choose_version(length: int, level: str) -> int:
    for version in range(1, 41):
        _, sizes = _blocks(version, level)
        count_bits = 8 if version < 10 else 16
        if 4 + count_bits + 8 * length <= 8 * sum(sizes):
            return version
    raise QrCapacityError(f"{length} bytes do not fit in a QR code at level {level}")


def symbol_size(payload: str | bytes, error_level: ErrorLevel = "M") -> tuple[int, int]:
    """(version, modules per side) that :func:`encode` will use, without encoding: enough to
    lay out a label whose QR code the printer draws itself."""
    length = len(payload.encode("utf-8") if isinstance(payload, str) else payload)
    if error_level not in _LEVEL_INDEX:
        raise ValueError(f"unknown QR error correction level {error_level!r}")
    version = _choose_version(length, error_level)
    return version, version * 4 + 17


def _codewords(payload: bytes, version: int, level: str) -> bytes:
    ec_count, sizes = _blocks(version, level)
    capacity_bits = 8 * sum(sizes)
    count_bits = 8 if version < 10 else 16
    bits = (0b0100 << count_bits | len(payload)) << (8 * len(payload)) | int.from_bytes(payload)
    nbits = 4 + count_bits + 8 * len(payload)
    terminator = min(4, capacity_bits - nbits)
    bits <<= terminator
    nbits += terminator
    if nbits % 8:
        bits <<= 8 - nbits % 8
        nbits += 8 - nbits % 8
    data = bytearray(bits.to_bytes(nbits // 8))
    index = 0
    while len(data) < sum(sizes):
        data.append(_PAD[index % 2])
        index += 1
    blocks: list[bytes] = []
    offset = 0
    for block_size in sizes:
        blocks.append(bytes(data[offset : offset + block_size]))
        offset += block_size
    ec_blocks = [_ec_codewords(block, ec_count) for block in blocks]
    out = bytearray()
    for i in range(max(sizes)):
        out.extend(block[i] for block in blocks if i < len(block))
    for i in range(ec_count):
        out.extend(ec[i] for ec in ec_blocks)
    return bytes(out)


def _penalty(rows: list[int], cols: list[int], size: int) -> int:
    """ISO/IEC 18004 mask penalty (N1..N4), computed the way ``qrcode`` computes it."""
    pairs = (1 << (size - 1)) - 1  # bit j compares modules j and j + 1
    score = 0
    for line in (*rows, *cols):
        # N1: a run of L >= 5 same-coloured modules costs L - 2 = (L - 4 windows of 5) + 2.
        same = ~(line ^ (line >> 1)) & pairs
        windows = same & (same >> 1) & (same >> 2) & (same >> 3)
        score += windows.bit_count() + 2 * (windows & ~(windows << 1)).bit_count()
    width = f"0{size}b"
    text = "\n".join([format(v, width) for v in rows] + [format(v, width) for v in cols])
    # N3: neither pattern overlaps itself, so str.count finds every occurrence.
    score += 40 * (text.count("10111010000") + text.count("00001011101"))
    full = (1 << size) - 1
    for upper, lower in itertools.pairwise(rows):
        same_vertical = ~(upper ^ lower) & full
        same_horizontal = ~(upper ^ (upper >> 1)) & pairs
        score += 3 * (same_vertical & (same_vertical >> 1) & same_horizontal).bit_count()
    dark = sum(v.bit_count() for v in rows)
    score += int(abs(dark / (size * size) * 100 - 50) / 5) * 10
    return score


def encode(payload: str | bytes, error_level: ErrorLevel = "M") -> QrMatrix:
    """Encode ``payload`` (text as UTF-8) in byte mode at the smallest version, choosing the mask
    by the ISO/IEC 18004 penalty rules."""
    data = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
    if error_level not in _LEVEL_INDEX:
        raise ValueError(f"unknown QR error correction level {error_level!r}")
    version = _choose_version(len(data), error_level)
    template = _template(version)
    size = template.size
    codewords = _codewords(data, version, error_level)
    stream = format(int.from_bytes(codewords), f"0{len(codewords) * 8}b")
    data_rows = [0] * size
    for (r, c), bit in zip(template.placement, stream, strict=False):
        if bit == "1":
            data_rows[r] |= 1 << (size - 1 - c)
    base_rows = [a | b for a, b in zip(data_rows, template.fixed_dark_rows, strict=True)]
    width = f"0{size}b"
    texts = [format(v, width) for v in base_rows]
    base_cols = [int("".join(column), 2) for column in zip(*texts, strict=True)]
    best_mask, best_score = 0, -1
    for mask in range(8):
        rows = [a ^ b for a, b in zip(base_rows, template.mask_rows[mask], strict=True)]
        cols = [a ^ b for a, b in zip(base_cols, template.mask_cols[mask], strict=True)]
        score = _penalty(rows, cols, size)
        if best_score < 0 or score < best_score:
            best_mask, best_score = mask, score
    final = [a ^ b for a, b in zip(base_rows, template.mask_rows[best_mask], strict=True)]
    bits = _format_bits(error_level, best_mask)
    for i, r, c in _format_cells(size):
        if (bits >> i) & 1:
            final[r] |= 1 << (size - 1 - c)
    final[size - 8] |= 1 << (size - 1 - 8)
    if version >= 7:
        version_bits = _bch(version, 0x1F25, 13)
        for i in range(18):
            if (version_bits >> i) & 1:
                final[i // 3] |= 1 << (size - 1 - (i % 3 + size - 11))
                final[i % 3 + size - 11] |= 1 << (size - 1 - i // 3)
    return QrMatrix(
        size=size, rows=tuple(final), version=version, error_level=error_level, mask=best_mask
    )
