"""Every ``vehreg`` subcommand under the failures a user can cause: no extras, no
credentials, no keyring, the bureau down, the bureau hung (accepts, never answers),
damaged files, missing files, a busy port. Each case runs the real command in a
subprocess and must end without a traceback, with an exit code from the documented
table, and (when it fails) with a message in English and Chinese.

The cases run four at a time; ``VEHREG_TIMEOUT=0.5`` keeps the hung-bureau cases short.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from pos.hang_proxy import HangingBureau
from vehreg_sdk import VehregClient, labels
from vehreg_sdk.cli._failures import (
    EXIT_FAILED,
    EXIT_MISSING_EXTRA,
    EXIT_NO_INPUT,
    EXIT_NOT_CONFIGURED,
    EXIT_OK,
    EXIT_PORT_BUSY,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
)
from vehreg_sdk.outbox import Outbox
from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

BLOCKER = Path(__file__).with_name("blocker")
CJK = re.compile(r"[\u4e00-\u9fff]")
DOCUMENTED = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    expected: frozenset[int]
    env: dict[str, str] = field(default_factory=dict)
    #: text the output must contain (the file, the extra, the setting)
    says: tuple[str, ...] = ()
    #: text the output must not contain
    never: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    case: Case
    code: int | None
    out: str
    err: str
    seconds: float


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """A live sandbox with one registration, a hung and a dead bureau, and the files."""
    root = tmp_path_factory.mktemp("matrix")
    with SandboxServer(db_path=root / "bureau.db", review_delay=0) as sandbox:
        dealer = sandbox.dealers[0]
        with VehregClient(
            base_url=sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
        ) as client:
            (code,) = sellable_vehicle_codes(1, start=7500)
            registration = client.ebike_registrations.create(
                **demo_registration_body(code, dealer.store_ids[0])
            )
            store = next(s for s in client.stores.list() if s.id == registration.store_id)
            jwks = httpx.get(f"{sandbox.base_url}/v1/keys").text
        label = labels.PlateLabel.from_registration(registration, store)
        files = root / "files"
        files.mkdir()
        for fmt in ("png", "pdf", "svg", "zpl", "tspl"):
            (files / f"label.{fmt}").write_bytes(labels.render(label, fmt))
        (files / "jwks.json").write_text(jwks, encoding="utf-8")
        (files / "notes.txt").write_text("just a note, no token here\n", encoding="utf-8")
        (files / "garbage.xlsx").write_bytes(bytes(range(256)) * 20)
        (files / "campus.csv").write_text("a,b\n1,2\n", encoding="utf-8")
        (files / "inbox-is-a-file").write_text("x", encoding="utf-8")
        with Outbox(files / "queued.db") as box:
            (queued_code,) = sellable_vehicle_codes(1, start=7600)
            box.enqueue(demo_registration_body(queued_code, dealer.store_ids[0], index=3))
        # Cases run four at a time: the hung-bureau sync gets an outbox of its own, or it
        # could find the sale leased by the bureau-down sync running beside it.
        with Outbox(files / "queued-hung.db") as box:
            box.enqueue(demo_registration_body(queued_code, dealer.store_ids[0], index=5))
        damaged = files / "damaged.db"
        with Outbox(damaged) as box:
            box.enqueue(demo_registration_body(queued_code, dealer.store_ids[0], index=4))
        data = bytearray(damaged.read_bytes())
        data[:16] = b"NOT A DATABASE!!"
        damaged.write_bytes(bytes(data))
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        with HangingBureau(upstream_port=_free_port()) as hung:
            yield {
                "root": root,
                "files": files,
                "sandbox": sandbox.base_url,
                "dealer": dealer,
                "registration": registration.id,
                "token": registration.plate_token,
                "hung": hung.base_url,
                "down": f"http://127.0.0.1:{_free_port()}",
                "busy_port": str(busy.getsockname()[1]),
            }
        busy.close()


def _cases(w: dict[str, object]) -> list[Case]:
    f: Path = w["files"]  # type: ignore[assignment]
    dealer = w["dealer"]
    reg = str(w["registration"])
    token = str(w["token"])
    busy = str(w["busy_port"])
    creds = {
        "VEHREG_APP_KEY": dealer.app_key,  # type: ignore[attr-defined]
        "VEHREG_APP_SECRET": dealer.app_secret,  # type: ignore[attr-defined]
    }
    live = {"VEHREG_BASE_URL": str(w["sandbox"]), **creds}
    down = {"VEHREG_BASE_URL": str(w["down"]), **creds}
    hung = {"VEHREG_BASE_URL": str(w["hung"]), **creds}

    def no(*modules: str) -> dict[str, str]:
        return {"VEHREG_TEST_BLOCK_MODULES": ",".join(modules)}

    def ok(*codes: int) -> frozenset[int]:
        return frozenset(codes)

    queued = str(f / "queued.db")
    damaged = str(f / "damaged.db")
    return [
        # versions and help
        Case("version", ("--version",), ok(EXIT_OK), says=("vehreg-sdk", "contract")),
        Case("version -V", ("-V",), ok(EXIT_OK), says=("contract",)),
        Case("help", ("--help",), ok(EXIT_OK), says=("Exit codes",)),
        # no extras (a wheel-only install)
        Case("demo, no sandbox extra", ("demo",), ok(EXIT_MISSING_EXTRA), no("uvicorn"),
             says=('vehreg-sdk[sandbox]',)),
        Case("demo, no labels extra", ("demo",), ok(EXIT_MISSING_EXTRA), no("PIL"),
             says=('vehreg-sdk[labels]',)),
        Case("sandbox serve, no extra", ("sandbox", "serve", "--port", "0", "--db",
             str(f / "sb.db")), ok(EXIT_MISSING_EXTRA), no("uvicorn"),
             says=('vehreg-sdk[sandbox]',)),
        Case("pos serve, no extra", ("pos", "serve", "--port", "0", "--db", queued),
             ok(EXIT_MISSING_EXTRA), no("uvicorn"), says=('vehreg-sdk[pos]',),
             never=("login?code",)),
        Case("bulk template xlsx, no extra", ("bulk", "template", str(f / "t.xlsx")),
             ok(EXIT_MISSING_EXTRA), no("openpyxl"), says=('vehreg-sdk[bulk]',)),
        # docs/bulk.md: 2 when the file cannot be read at all (here: no reader for .xlsx)
        Case("bulk validate xlsx, no extra", ("bulk", "validate", str(f / "garbage.xlsx")),
             ok(EXIT_MISSING_EXTRA, EXIT_USAGE), no("openpyxl"), says=('vehreg-sdk[bulk]',)),
        Case("label render, no extra", ("label", "render", reg, "-o", str(f / "r.png")),
             ok(EXIT_MISSING_EXTRA), {**live, **no("PIL")}, says=('vehreg-sdk[labels]',)),
        # TSPL draws its Chinese text as a bitmap (Pillow); without it: the extra, named
        Case("label print tspl, no extra", ("label", "print", reg, "-p", "stdout"),
             ok(EXIT_MISSING_EXTRA, EXIT_OK), {**live, **no("PIL", "fpdf")}),
        Case("label print escpos raster, no extra", ("label", "print", reg, "-p", "stdout",
             "-f", "escpos", "--raster"), ok(EXIT_MISSING_EXTRA), {**live, **no("PIL")},
             says=('vehreg-sdk[labels]',)),
        Case("label verify image, no extra", ("label", "verify", str(f / "label.png"),
             "--jwks", str(f / "jwks.json")), ok(EXIT_MISSING_EXTRA, EXIT_NO_INPUT),
             no("PIL", "zxingcpp"), says=('vehreg-sdk[labels]',)),
        # no credentials, no keyring
        Case("outbox sync, no credentials", ("outbox", "sync", "--db", queued),
             ok(EXIT_NOT_CONFIGURED), says=("VEHREG_BASE_URL",)),
        Case("label render, no credentials", ("label", "render", reg, "-o", str(f / "x.png")),
             ok(EXIT_NOT_CONFIGURED)),
        Case("label print, no credentials", ("label", "print", reg, "-p", "stdout"),
             ok(EXIT_NOT_CONFIGURED)),
        Case("bulk catalogue, no credentials", ("bulk", "catalogue", "-o", str(f / "c.json")),
             ok(EXIT_NOT_CONFIGURED)),
        Case("bulk submit, no credentials", ("bulk", "submit", str(f / "campus.csv"),
             "--store", "st_demo_haizhou_1"), ok(EXIT_NOT_CONFIGURED, EXIT_USAGE)),
        Case("configure, no keyring", ("configure", "--base-url", "http://127.0.0.1:9",
             "--app-key", "dk_m", "--app-secret", "sk_m"), ok(EXIT_NOT_CONFIGURED),
             says=("VEHREG_APP_SECRET",), never=("sk_m",)),
        Case("configure --show", ("configure", "--show"), ok(EXIT_OK)),
        Case("configure --forget, no keyring", ("configure", "--forget"), ok(EXIT_OK)),
        Case("pos token, no keyring", ("pos", "token"), ok(EXIT_OK), says=("bridge-token",)),
        Case("pos plugins", ("pos", "plugins"), ok(EXIT_OK)),
        Case("bad VEHREG_TIMEOUT", ("outbox", "sync", "--db", queued), ok(EXIT_NOT_CONFIGURED),
             {**live, "VEHREG_TIMEOUT": "soon"}, says=("VEHREG_TIMEOUT",)),
        # the bureau down (connection refused)
        Case("outbox sync, bureau down", ("outbox", "sync", "--db", queued),
             ok(EXIT_UNREACHABLE), down),
        Case("label render, bureau down", ("label", "render", reg, "-o", str(f / "d.png")),
             ok(EXIT_UNREACHABLE), down),
        Case("bulk catalogue, bureau down", ("bulk", "catalogue", "-o", str(f / "d.json")),
             ok(EXIT_UNREACHABLE), down),
        Case("label verify, keys unreachable", ("label", "verify", token, "--base-url",
             str(w["down"])), ok(EXIT_NO_INPUT), {"VEHREG_CONFIG_DIR": str(f / "nokeys")}),
        # the bureau hung: accepts, never answers (VEHREG_TIMEOUT=1)
        Case("outbox sync, bureau hung", ("outbox", "sync", "--db", str(f / "queued-hung.db")),
             ok(EXIT_UNREACHABLE), hung),
        Case("label render, bureau hung", ("label", "render", reg, "-o", str(f / "h.png")),
             ok(EXIT_UNREACHABLE), hung),
        Case("bulk catalogue, bureau hung", ("bulk", "catalogue", "-o", str(f / "h.json")),
             ok(EXIT_UNREACHABLE), hung),
        Case("label verify, keys hung", ("label", "verify", token, "--base-url",
             str(w["hung"])), ok(EXIT_NO_INPUT), {"VEHREG_CONFIG_DIR": str(f / "nokeys")}),
        # damaged files
        *(
            Case(f"outbox {cmd}, damaged file", ("outbox", cmd, *extra, "--db", damaged),
                 ok(EXIT_NO_INPUT), live, says=(damaged, ".recover", "损坏"))
            for cmd, extra in (("status", ()), ("sync", ()), ("export", ()),
                               ("retry", ("0000",)))
        ),
        Case("bulk validate, garbage xlsx", ("bulk", "validate", str(f / "garbage.xlsx")),
             ok(EXIT_USAGE, EXIT_NO_INPUT, EXIT_FAILED), says=("garbage.xlsx",)),
        Case("label verify, a text file", ("label", "verify", str(f / "notes.txt"), "--jwks",
             str(f / "jwks.json")), ok(EXIT_NO_INPUT)),
        *(
            Case(f"label verify, our own {fmt}", ("label", "verify", str(f / f"label.{fmt}"),
                 "--jwks", str(f / "jwks.json")), ok(EXIT_OK, EXIT_NO_INPUT))
            for fmt in ("pdf", "svg", "zpl", "tspl")
        ),
        Case("label verify, png genuine", ("label", "verify", str(f / "label.png"), "--jwks",
             str(f / "jwks.json")), ok(EXIT_OK), says=("GENUINE",)),
        # missing files
        Case("label verify, missing --jwks", ("label", "verify", token, "--jwks",
             str(f / "missing-jwks.json")), ok(EXIT_NO_INPUT), says=("missing-jwks.json",)),
        Case("label verify, missing file", ("label", "verify", str(f / "missing.png")),
             ok(EXIT_NO_INPUT)),
        Case("bulk validate, missing file", ("bulk", "validate", str(f / "missing.csv")),
             ok(EXIT_USAGE, EXIT_NO_INPUT), says=("missing.csv",), never=("详见上方英文",)),
        Case("bulk submit, missing file", ("bulk", "submit", str(f / "missing.csv"),
             "--store", "st_demo_haizhou_1"), ok(EXIT_USAGE, EXIT_NO_INPUT), live,
             says=("missing.csv",), never=("详见上方英文",)),
        Case("outbox status, missing file", ("outbox", "status", "--db", str(f / "none.db")),
             ok(EXIT_OK), says=("none.db", "尚未排队")),
        Case("outbox export, missing file", ("outbox", "export", "--db", str(f / "none.db")),
             ok(EXIT_NO_INPUT)),
        Case("outbox sync, missing file", ("outbox", "sync", "--db", str(f / "none.db")),
             ok(EXIT_OK), live),
        Case("pos watch, inbox is a file", ("pos", "watch", str(f / "inbox-is-a-file"),
             "--no-sync", "--db", str(f / "watch.db")), ok(EXIT_NO_INPUT)),
        # a busy port
        Case("sandbox serve, busy port", ("sandbox", "serve", "--port", busy, "--db",
             str(f / "sb2.db")), ok(EXIT_PORT_BUSY), says=(busy,)),
        Case("pos serve, busy port", ("pos", "serve", "--port", busy, "--db", queued),
             ok(EXIT_PORT_BUSY), says=(busy, "端口"), never=("login?code",)),
    ]  # fmt: skip


def _run(case: Case, root: Path) -> Outcome:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEHREG_")}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(BLOCKER), env.get("PYTHONPATH")])),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        VEHREG_CONFIG_DIR=str(root / "config"),
        VEHREG_TIMEOUT="0.5",
        VEHREG_DISABLE_PLUGINS="1",
        PYTHONIOENCODING="utf-8",
        COLUMNS="200",
    )
    env.update(case.env)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "vehreg_sdk.cli", *case.args],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=60,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout if isinstance(exc.stdout, str) else ""
        return Outcome(case, None, out, "timed out", time.monotonic() - started)
    return Outcome(case, done.returncode, done.stdout, done.stderr, time.monotonic() - started)


@pytest.fixture(scope="module")
def outcomes(world: dict[str, object]) -> dict[str, Outcome]:
    cases = _cases(world)
    assert len({c.name for c in cases}) == len(cases)
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda c: _run(c, world["root"]), cases))  # type: ignore[arg-type]
    total = time.monotonic() - started
    slowest = max(results, key=lambda r: r.seconds)
    print(f"\ncommand matrix: {len(cases)} cases in {total:.1f} s "
          f"(slowest {slowest.case.name}: {slowest.seconds:.1f} s)")  # fmt: skip
    return {r.case.name: r for r in results}


def _names(world_cases: list[Case]) -> list[str]:
    return [c.name for c in world_cases]


CASE_NAMES = [
    c.name
    for c in _cases(
        {
            "files": Path("."),
            "dealer": type("D", (), {"app_key": "", "app_secret": ""})(),
            "registration": "",
            "token": "",
            "busy_port": "0",
            "sandbox": "",
            "down": "",
            "hung": "",
        }
    )
]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_no_traceback_documented_code_bilingual_message(
    outcomes: dict[str, Outcome], name: str
) -> None:
    result = outcomes[name]
    both = result.out + result.err
    shown = f"exit {result.code}\n--- stdout\n{result.out}\n--- stderr\n{result.err}"
    assert result.code is not None, f"did not finish in 60 s\n{shown}"
    assert "Traceback" not in both, shown
    assert result.code in DOCUMENTED, shown
    assert result.code in result.case.expected, shown
    if result.code != 0:
        message = result.err or result.out
        assert CJK.search(message), f"no Chinese in the failure message\n{shown}"
        assert re.search(r"[A-Za-z]{3,} [A-Za-z]{2,}", message), f"no English\n{shown}"
    for text in result.case.says:
        assert text in both, f"{text!r} missing\n{shown}"
    for text in result.case.never:
        assert text not in both, f"{text!r} present\n{shown}"


def test_outbox_sync_exit_code_tells_cron_when_sales_remain(
    world: dict[str, object], outcomes: dict[str, Outcome]
) -> None:
    """Unreachable: 8 and the sale stays queued; once the bureau answers: 0 and delivered."""
    assert outcomes["outbox sync, bureau down"].code == EXIT_UNREACHABLE
    dealer = world["dealer"]
    live = Case(
        "sync live",
        ("outbox", "sync", "--db", str(Path(str(world["files"])) / "queued.db")),
        frozenset({EXIT_OK}),
        {
            "VEHREG_BASE_URL": str(world["sandbox"]),
            "VEHREG_APP_KEY": dealer.app_key,  # type: ignore[attr-defined]
            "VEHREG_APP_SECRET": dealer.app_secret,  # type: ignore[attr-defined]
        },
    )
    with Outbox(Path(str(world["files"])) / "queued.db") as box, box._write() as conn:
        conn.execute("UPDATE items SET next_attempt_at = 0")  # its backoff, skipped
    result = _run(live, world["root"])  # type: ignore[arg-type]
    assert result.code == EXIT_OK, result.out + result.err
    with Outbox(Path(str(world["files"])) / "queued.db") as box:
        assert box.counts()["plate_assigned"] == 1
