"""A real PostgreSQL server for the tests, from the Debian `postgresql` package's binaries.

initdb and pg_ctl refuse to run as root, and CI runs as root: then the server runs as the
`postgres` user in a data folder it owns. Each test gets a database of its own through
pytest-postgresql's janitor. Without the binaries the tests skip with the package to install,
except under CI=true, where a missing server is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_HINT = ("PostgreSQL server binaries not found: install the Debian package "
                "`postgresql` (apt-get install postgresql) to run the PostgreSQL state tests.")


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str

    def url(self, dbname: str, password: str | None = None) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://{self.user}{secret}@{self.host}:{self.port}/{dbname}"


def bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    binaries = bindir()
    if binaries is None:
        if os.environ.get("CI") == "true":
            pytest.fail(PACKAGE_HINT)
        pytest.skip(PACKAGE_HINT)
    folder = Path(tempfile.mkdtemp(prefix="rotation-sync-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    run = lambda *args: subprocess.run(as_server_user([str(binaries / args[0]), *args[1:]]),  # noqa: E731
                                       check=True, capture_output=True, timeout=120)
    run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    run("pg_ctl", "-D", str(data), "-w", "-t", "60", "-l", str(folder / "log"), "-o",
        f"-h 127.0.0.1 -p {port} -k {folder} -F", "start")
    try:
        yield Server("127.0.0.1", port, "postgres")
    finally:
        run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: Server, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty database for one test."""
    from pytest_postgresql.janitor import DatabaseJanitor

    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name)[:50].lower()
    with DatabaseJanitor(user=pg_server.user, host=pg_server.host, port=pg_server.port,
                         dbname=name):
        yield pg_server.url(name)
