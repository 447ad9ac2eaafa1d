"""Pay only for what is used: a command on the local backends loads no service client.

Each command runs the local example (config/example.toml, copied) in its own interpreter
through a tiny runner that imports the command line, runs it, and at exit writes the names
in `sys.modules`: none may belong to a Google, Slack, GitHub, HTTP or scheduler library.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import CEILING

ROOT = Path(__file__).resolve().parent.parent.parent
HEAVY = ("googleapiclient", "google.auth", "google.oauth2", "google_auth_httplib2", "gspread",
         "slack_sdk", "github", "httplib2", "apscheduler", "psycopg")
RUNNER = """
import atexit, json, sys
dump = sys.argv[1]
atexit.register(lambda: open(dump, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["rotation-sync", *sys.argv[2:]]
{also}
from {module} import main
main()
"""
COMMANDS = [["--version"], ["--help"], ["validate"], ["who"], ["plan"], ["sync"], ["sync"],
            ["report"], ["status"], ["ledger"], ["propose"]]


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def loaded(module: str, argv: list[str], folder: Path, also: str = "") -> list[str]:
    dump = folder / "modules.json"
    runner = RUNNER.format(module=module, also=also)
    result = subprocess.run([sys.executable, "-c", runner, str(dump),
                             *argv], capture_output=True, text=True, timeout=CEILING,
                            cwd=folder)
    assert result.returncode == 0, result.stderr + result.stdout
    names: list[str] = json.loads(dump.read_text())
    return names


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lazy") / "config"
    shutil.copytree(ROOT / "config", folder,
                    ignore=shutil.ignore_patterns("out", "state", "*.sqlite"))
    return folder / "example.toml"


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv))
def test_a_local_command_loads_no_service_client(example: Path, argv: list[str]) -> None:
    config = [] if argv[0].startswith("-") else ["-c", str(example)]
    modules = loaded("sync.cli.commands", argv + config, example.parent)
    assert "sync.cli.commands" in modules  # the runner really ran the command line
    assert heavy(modules) == []


def test_version_loads_neither_typer_nor_rich(example: Path) -> None:
    """The entry point answers --version before the command line is built."""
    modules = loaded("sync.__main__", ["--version"], example.parent)
    assert "sync.__main__" in modules
    assert [m for m in modules if m.split(".")[0] in {"typer", "rich", "pydantic"}] == []


def test_the_check_sees_a_client_that_is_loaded(example: Path) -> None:
    """The dump is taken at exit and the filter catches a client: here the Sheets source,
    imported on purpose before the command runs."""
    modules = loaded("sync.cli.commands", ["--help"], example.parent,
                     also="import sync.sources.sheets")
    assert {"gspread", "google.auth"} <= set(heavy(modules))
