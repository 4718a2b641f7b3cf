"""Small parsers of TSPL, ZPL and ESC/POS jobs, written from the printer manuals, so tests can
check what a printer would do with a job: label size, QR payload and model, barcode data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Bitmap:
    """A bitmap in a job: position in dots, rows of ``width_bytes`` bytes, 1 = black."""

    x: int
    y: int
    width_bytes: int
    height: int
    data: bytes


@dataclass
class Parsed:
    size_mm: tuple[float, float] | None = None
    size_dots: tuple[int, int] | None = None
    qr_payloads: list[str] = field(default_factory=list)
    qr_options: list[str] = field(default_factory=list)
    qr_positions: list[tuple[int, int, int]] = field(default_factory=list)  # x, y, module
    barcodes: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    bitmaps: list[Bitmap] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)


def _tspl_args(rest: str) -> list[str]:
    # Comma-separated, quoted strings may contain commas.
    return [m.group(0) for m in re.finditer(r'"(?:[^"\\]|\\\["\])*"|[^,]+', rest)]


def _tspl_string(arg: str) -> str:
    assert arg.startswith('"') and arg.endswith('"'), arg
    return arg[1:-1].replace('\\["]', '"')


def parse_tspl(job: bytes) -> Parsed:
    """Commands end in CRLF; BITMAP carries width_bytes x height binary bytes before it."""
    assert job.endswith(b"\r\n")
    out = Parsed()
    i = 0
    while i < len(job):
        if job.startswith(b"BITMAP ", i):
            head_end = i
            for _ in range(5):  # x, y, width bytes, height, mode
                head_end = job.index(b",", head_end) + 1
            x, y, width_bytes, height, mode = (
                int(v) for v in job[i + 7 : head_end - 1].decode().split(",")
            )
            assert mode == 0
            data = job[head_end : head_end + width_bytes * height]
            # TSPL prints the 0 bits: store with 1 = black like the other formats.
            out.bitmaps.append(Bitmap(x, y, width_bytes, height, bytes(255 - v for v in data)))
            out.commands.append("BITMAP")
            i = head_end + width_bytes * height
            assert job[i : i + 2] == b"\r\n"
            i += 2
            continue
        end = job.index(b"\r\n", i)
        line = job[i:end].decode("gb18030")
        assert "\n" not in line and "\r" not in line
        i = end + 2
        command, _, rest = line.partition(" ")
        out.commands.append(command)
        args = _tspl_args(rest)
        if command == "SIZE":
            w, h = (float(a.strip().removesuffix("mm").strip()) for a in args)
            out.size_mm = (w, h)
        elif command == "QRCODE":
            out.qr_options.append(",".join(args[2:-1]))
            data = _tspl_string(args[-1])
            out.qr_payloads.append(data[1:] if args[4] == "M" else data)  # manual: mode first
            out.qr_positions.append((int(args[0]), int(args[1]), int(args[3])))
        elif command == "BARCODE":
            assert args[2] == '"128"'
            out.barcodes.append(_tspl_string(args[-1]))
        elif command == "TEXT":
            assert args[2] == '"TSS24.BF2"'
            out.texts.append(_tspl_string(args[-1]))
    return out


def _unhex(value: str) -> str:
    # ^FH: _XX is the byte XX (UTF-8 under ^CI28).
    raw = re.sub(rb"_([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), value.encode())
    return raw.decode("utf-8")


def parse_zpl(job: bytes) -> Parsed:
    text = job.decode("utf-8")
    out = Parsed()
    width = length = 0
    last_barcode_command = ""
    position = (0, 0)
    hex_escapes = False
    qr_module = 0
    for raw in re.split(r"(?=\^)", text.replace("\n", "")):
        if not raw:
            continue
        command, value = raw[:3], raw[3:]
        out.commands.append(command)
        if command == "^PW":
            width = int(value)
        elif command == "^LL":
            length = int(value)
        elif command == "^FO":
            x, y = value.split(",")
            position = (int(x), int(y))
        elif command == "^FH":
            assert value == ""
            hex_escapes = True
        elif command == "^GF":
            kind, total, _, width_bytes, data = value.split(",")
            assert kind == "A" and len(data) == 2 * int(total)
            out.bitmaps.append(
                Bitmap(
                    *position, int(width_bytes), int(total) // int(width_bytes), bytes.fromhex(data)
                )
            )
        elif command in ("^BQ", "^BC", "^A@"):
            last_barcode_command = command
            if command == "^BQ":
                out.qr_options.append(value)
                qr_module = int(value.split(",")[2])
        elif command == "^FD":
            if hex_escapes:
                value = _unhex(value)
            else:
                assert "_" not in value and "~" not in value
            if last_barcode_command == "^BQ":
                prefix, _, payload = value.partition(",")
                assert len(prefix) == 2 and prefix[0] in "LMQH" and prefix[1] in "AM"
                if prefix[1] == "M":  # manual input: the character mode comes first
                    assert payload[0] == "A"
                    out.qr_options.append(prefix + ",A")
                    payload = payload[1:]
                else:
                    out.qr_options.append(prefix)
                out.qr_payloads.append(payload)
                out.qr_positions.append((*position, qr_module))
            elif last_barcode_command == "^BC":
                out.barcodes.append(_zpl_code128_data(value))
            else:
                out.texts.append(value)
            last_barcode_command = ""
        elif command == "^FS":
            hex_escapes = False
    out.size_dots = (width, length)
    return out


def _zpl_code128_data(value: str) -> str:
    """Data of ^BC mode N with invocation codes: >; >: start C/B, >5 >6 switch, >< is '>'."""
    data, code_set, i = "", "B", 0
    while i < len(value):
        if value.startswith(">", i):
            code = value[i + 1]
            if code in ";5":
                code_set = "C"
            elif code in ":6":
                code_set = "B"
            elif code == "<":
                data += ">"
            i += 2
            continue
        step = 2 if code_set == "C" else 1
        data += value[i : i + step]
        i += step
    return data


def parse_escpos(job: bytes) -> Parsed:
    """Walks the commands the renderer uses; anything else fails the test."""
    out = Parsed()
    i, chinese, line = 0, False, bytearray()
    while i < len(job):
        b = job[i]
        if b == 0x1B:  # ESC
            op = job[i + 1 : i + 2]
            out.commands.append("ESC " + op.decode())
            i += 2 if op == b"@" else 3
        elif b == 0x1C:  # FS
            op = job[i + 1 : i + 2]
            chinese = op == b"&"
            out.commands.append("FS " + op.decode())
            i += 2
        elif b == 0x1D:  # GS
            op = job[i + 1 : i + 2]
            if op == b"(":
                assert job[i + 2 : i + 3] == b"k"
                length = int.from_bytes(job[i + 3 : i + 5], "little")
                body = job[i + 5 : i + 5 + length]
                cn, fn = body[0], body[1]
                assert cn == 49
                out.commands.append(f"GS ( k {fn + 100}")
                if fn == 65:
                    out.qr_options.append(f"model={body[2] - 48}")
                elif fn == 67:
                    out.qr_options.append(f"module={body[2]}")
                elif fn == 69:
                    out.qr_options.append(f"level={'LMQH'[body[2] - 48]}")
                elif fn == 80:
                    assert body[2] == 48
                    out.qr_payloads.append(body[3:].decode("utf-8"))
                i += 5 + length
            elif op == b"k":
                assert job[i + 2] == 73  # CODE128
                n = job[i + 3]
                out.barcodes.append(_escpos_code128_data(job[i + 4 : i + 4 + n]))
                out.commands.append("GS k 73")
                i += 4 + n
            elif op == b"v":
                w = int.from_bytes(job[i + 4 : i + 6], "little")
                h = int.from_bytes(job[i + 6 : i + 8], "little")
                out.size_dots = (w * 8, h)
                out.bitmaps.append(Bitmap(0, 0, w, h, job[i + 8 : i + 8 + w * h]))
                out.commands.append("GS v 0")
                i += 8 + w * h
            elif op == b"V":
                out.commands.append("GS V")
                i += 4
            else:  # GS ! n, GS h n, GS w n, GS H n
                out.commands.append("GS " + op.decode())
                i += 3
        elif b == 0x0A:
            out.texts.append(line.decode("gb18030" if chinese else "ascii"))
            line.clear()
            i += 1
        else:
            line.append(b)
            i += 1
    out.texts = [t for t in out.texts if t]
    return out


def _escpos_code128_data(data: bytes) -> str:
    out, code_set, i = "", "B", 0
    while i < len(data):
        if data[i] == ord("{"):
            code = chr(data[i + 1])
            if code == "{":
                out += "{"
            else:
                code_set = code
            i += 2
            continue
        out += f"{data[i]:02d}" if code_set == "C" else chr(data[i])
        i += 1
    return out
