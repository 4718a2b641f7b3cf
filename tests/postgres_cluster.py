"""A throwaway PostgreSQL cluster for the tests, owned by the test session.

The cluster lives in a temporary folder, listens on a random loopback port (and a
socket in that folder), trusts local connections and is stopped and deleted when the
session ends. ``initdb`` refuses to run as root, and CI runs as root: there the
cluster is created and run as the ``postgres`` user (Debian's package creates it).

Each test that needs a database asks for ``postgres_url`` and gets a fresh, empty
database of its own (``CREATE DATABASE``), so tests never see each other's rows.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_SEARCH = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15", "14", "13")]


def find_postgres_bin() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is missing."""
    for folder in _SEARCH:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(os.path.realpath(initdb)).parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresCluster:
    """A running cluster: connect as ``user`` to ``127.0.0.1:port``."""

    bin_dir: Path
    root: Path
    port: int
    user: str
    _run_as: list[str]

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def _ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [*self._run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args]
        return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", check=check)

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        self._ctl("stop", "-m", "immediate", "-w", check=False)


def start_cluster() -> PostgresCluster:
    """Create and start a cluster; raises RuntimeError with the reason when it can't."""
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (scripts/install-test-deps.sh installs it)")
    root = Path(tempfile.mkdtemp(prefix="vehreg-pg-"))
    run_as: list[str] = []
    if os.name == "posix" and os.geteuid() == 0:
        # initdb refuses root; the cluster belongs to the postgres account instead.
        import pwd

        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        root.chmod(0o700)
        runuser = shutil.which("runuser")
        if runuser is None:
            raise RuntimeError(
                "running as root needs runuser (util-linux) to start PostgreSQL as postgres"
            )
        run_as = [runuser, "-u", "postgres", "--"]
        user = "postgres"
    else:
        import getpass

        user = getpass.getuser()
    data = root / "data"
    init = [
        *run_as,
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-A",
        "trust",
        "-U",
        user,
        "-E",
        "UTF8",
    ]
    init += ["--no-locale", "--no-sync"]
    done = subprocess.run(init, capture_output=True, text=True, encoding="utf-8")
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
    port = _free_port()
    cluster = PostgresCluster(bin_dir, root, port, user, run_as)
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 "
        "-c shared_buffers=64MB"
    )
    started = cluster._ctl(
        "start", "-w", "-t", "60", "-l", str(root / "server.log"), "-o", options, check=False
    )
    if started.returncode != 0:
        log = (
            (root / "server.log").read_text(encoding="utf-8", errors="replace")
            if (root / "server.log").exists()
            else ""
        )
        raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()} {log[-2000:]}")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            break
        time.sleep(0.1)
    return cluster


@contextlib.contextmanager
def running_cluster() -> Iterator[PostgresCluster]:
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)
