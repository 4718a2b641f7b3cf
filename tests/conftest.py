"""Suite-wide rule: under ``CI=true`` a skipped test fails the run.

A test skipped for want of a system package (chromium, a CJK font, Java, mono,
node, openssl, curl) or an extra passes green while proving nothing, which is
how a broken import or a missing package hid before. On a developer machine a
skip stays a skip (with its reason in the summary, ``-ra``); in CI, where
``scripts/install-test-deps.sh`` has installed everything, each one is turned
into a failure that names the reason. Expected failures (``xfail``) are not skips.

The tests read the output of the ``python`` processes they start as UTF-8
(``encoding="utf-8"``). On a Chinese Windows a child's pipes would be code page 936, so
children write UTF-8 unless a test asks for another encoding itself (the console tests
set ``PYTHONIOENCODING=gbk`` / ``cp1252`` explicitly).
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

os.environ.setdefault("PYTHONIOENCODING", "utf-8")


def _strict() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _reason(longrepr: Any) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _fail_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = (
            f"skipped under CI=true, which fails the run: {_reason(report.longrepr)}\n"
            "Install what the suite needs with scripts/install-test-deps.sh."
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
    outcome = yield
    if _strict():
        _fail_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None]:
    outcome = yield
    if _strict():
        _fail_skip(outcome.get_result())


# A PostgreSQL cluster for the tests that run on PostgreSQL (the hub's outbox, the
# sandbox with several workers): started once per session, on demand, as the postgres
# user when the suite runs as root. See tests/postgres_cluster.py.
@pytest.fixture(scope="session")
def postgres_cluster() -> Generator[Any]:
    from tests.postgres_cluster import running_cluster

    pytest.importorskip("psycopg", reason="psycopg is in the [postgres] extra")
    try:
        context = running_cluster()
        cluster = context.__enter__()
    except RuntimeError as exc:
        pytest.skip(f"no PostgreSQL for the tests: {exc}")
    try:
        yield cluster
    finally:
        context.__exit__(None, None, None)


@pytest.fixture
def postgres_url(postgres_cluster: Any) -> str:
    """The URL of a fresh, empty database of this test's own."""
    return str(postgres_cluster.create_database())


# The sandbox bureau's two engines: tests that take ``sandbox_db`` run once on a SQLite
# file (the embedded default) and once on a fresh PostgreSQL database (the shared
# sandbox served by several workers). Tests about the file itself (WAL, secure_delete)
# use their own tmp_path file and run on SQLite only.
@pytest.fixture(params=["sqlite", "postgres"])
def sandbox_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sandbox_db(sandbox_backend: str, tmp_path: Any, request: pytest.FixtureRequest) -> Any:
    """Where a test's sandbox keeps its state: a SQLite file path or a PostgreSQL URL."""
    if sandbox_backend == "postgres":
        return request.getfixturevalue("postgres_url")
    return tmp_path / "sandbox.db"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def module_sandbox_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """``sandbox_db`` for a module-wide sandbox: a SQLite file, then a PostgreSQL database."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_cluster").create_database()
    return tmp_path_factory.mktemp("sandbox") / "sandbox.db"
