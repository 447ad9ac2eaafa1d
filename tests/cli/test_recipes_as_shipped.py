"""The systemd unit, the crontab line and the container image run as shipped after
`make install PREFIX=/opt/...`: each recipe is rendered against a real install made by the
Makefile (in a temporary PREFIX), and the paths it uses must exist in that layout and the
program must start there as the user the recipe runs it as (a systemd DynamicUser with
ProtectHome, uid 10001 in the image), which a Python under a home folder cannot."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cron_recipes import crontab, dockerfile, systemd_unit
from tests.helpers import CEILING

ROOT = Path(__file__).parent.parent.parent
CRON = ROOT / "cron"
SHIPPED_PREFIX = "/opt/rotation-sync"
HOME_FOLDERS = ("/home/", "/root/", "/run/user/")
HARDENING = {"DynamicUser": "yes", "ProtectHome": "yes", "ProtectSystem": "strict",
             "NoNewPrivileges": "yes", "CapabilityBoundingSet": "", "PrivateUsers": "yes",
             "PrivateTmp": "yes", "PrivateDevices": "yes", "RestrictNamespaces": "yes",
             "SystemCallFilter": "~@privileged @resources", "SystemCallArchitectures": "native",
             "ProtectKernelModules": "yes", "ProtectKernelLogs": "yes", "ProtectClock": "yes",
             "LockPersonality": "yes", "UMask": "0077"}


@pytest.fixture(scope="module")
def prefix() -> Iterator[Path]:
    """`make install PREFIX=…` into a folder other users may traverse, as /opt is."""
    base = Path(tempfile.mkdtemp(prefix="rotation-sync-install-"))
    base.chmod(0o755)
    installed = base / "opt" / "rotation-sync"
    result = subprocess.run(["make", "install", f"PREFIX={installed}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=CEILING, check=False)
    assert result.returncode == 0, result.stderr
    yield installed
    shutil.rmtree(base)


def rendered(text: str, prefix: Path) -> str:
    """A recipe with the shipped PREFIX replaced by the test's install."""
    return text.replace(SHIPPED_PREFIX, str(prefix))


def run_as(uid: int, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """As a user with no home folder access, like DynamicUser or the image's uid 10001."""
    if os.geteuid() != 0:
        pytest.skip("switching users needs root")
    return subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                           "--", *argv], capture_output=True, text=True, timeout=CEILING,
                          check=False, env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})


# -- make install -----------------------------------------------------------------------
def test_the_install_uses_an_interpreter_outside_any_home_folder(prefix: Path) -> None:
    interpreter = os.path.realpath(prefix / "bin" / "python")
    assert not interpreter.startswith(HOME_FOLDERS), interpreter
    assert (prefix / "bin" / "rotation-sync").is_file()


def test_make_install_refuses_an_interpreter_under_a_home_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "python3").symlink_to(os.path.realpath("/usr/bin/python3")
                                          if Path("/usr/bin/python3").exists()
                                          else shutil.which("python3") or "python3")
    result = subprocess.run(["make", "install", f"PREFIX={tmp_path / 'opt'}",
                             f"INSTALL_PYTHON={home / 'bin' / 'python3'}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=CEILING, check=False,
                            env={**os.environ, "HOME": str(home)})
    assert result.returncode != 0
    assert "lives under a home folder" in result.stderr and "ProtectHome" in result.stderr
    assert not (tmp_path / "opt").exists()


# -- systemd -----------------------------------------------------------------------------
def unit_file(prefix: Path, folder: Path) -> Path:
    path = folder / "rotation-sync.service"
    path.write_text(rendered((CRON / "rotation-sync.service").read_text(), prefix))
    return path


def test_the_units_program_exists_in_the_install_and_starts_as_a_dynamic_user(
        prefix: Path, tmp_path: Path) -> None:
    argv = shlex.split(rendered(systemd_unit("rotation-sync.service")["Service"]["ExecStart"],
                                prefix))
    assert Path(argv[0]).is_file() and os.access(argv[0], os.X_OK), argv[0]
    assert argv[0].startswith(str(prefix))
    started = run_as(61234, [argv[0], "--version"])  # any uid: no home, no groups
    assert started.returncode == 0, started.stderr
    assert started.stdout.startswith("rotation-sync")


def test_the_unit_is_hardened_to_an_exposure_under_3(prefix: Path, tmp_path: Path) -> None:
    """`systemd-analyze security` where it exists; the directives themselves otherwise."""
    service = systemd_unit("rotation-sync.service")["Service"]
    for key, value in HARDENING.items():
        assert service.get(key) == value, (key, service.get(key))
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return  # checked statically above; the README says how to measure it
    result = subprocess.run([analyze, "security", "--offline=yes", "--no-pager",
                             str(unit_file(prefix, tmp_path))], capture_output=True,
                            text=True, timeout=CEILING, check=False)
    level = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert level is not None, result.stdout + result.stderr
    assert float(level[1]) < 3.0, result.stdout


# -- crontab -----------------------------------------------------------------------------
def test_the_crontab_line_runs_as_shipped_after_the_installs_steps(prefix: Path,
                                                                 tmp_path: Path) -> None:
    """The steps its comments give (the folders, the env file, the config from the example)
    and then the line itself, through sh, with only the PREFIX moved."""
    home = tmp_path / "home"
    config = home / ".config" / "rotation-sync"
    (home / ".local" / "state").mkdir(parents=True)
    shutil.copytree(ROOT / "config", config)
    (config / "example.toml").rename(config / "rotation-sync.toml")
    (config / "env").write_text("export SLACK_BOT_TOKEN=unused-by-the-local-backends\n")
    variables, (job,) = crontab()
    command = rendered(job.split(None, 5)[5], prefix)
    assert str(prefix) in command and "/.local/bin" not in command
    result = subprocess.run([variables.get("SHELL", "/bin/sh"), "-c", command],
                            capture_output=True, text=True, timeout=CEILING, check=False,
                            env={"HOME": str(home), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, (home / ".local/state/rotation-sync.log").read_text()
    assert (config / "out" / "rotations.ics").exists()
    assert '"exit_code": 0' in (home / ".local/state/rotation-sync.log").read_text()


# -- the container image -----------------------------------------------------------------
def test_the_images_entrypoint_is_the_installs_program_and_runs_as_its_user(
        prefix: Path) -> None:
    """The image installs as `make install` does, into UV_PROJECT_ENVIRONMENT; its PATH
    finds the entrypoint there, and its user (no home folder) can start it."""
    instructions = dockerfile()
    env = " ".join(value for name, value in instructions if name == "ENV")
    assert f"UV_PROJECT_ENVIRONMENT={SHIPPED_PREFIX}" in env
    assert f"PATH={SHIPPED_PREFIX}/bin:$PATH" in env
    install = next(value for name, value in instructions if name == "RUN" and "uv sync" in value)
    make = (ROOT / "Makefile").read_text()
    for flag in ("--locked", "--no-editable"):
        assert flag in install and flag in make
    assert (prefix / "bin" / "rotation-sync").is_file()
    user = next(value for name, value in reversed(instructions) if name == "USER")
    started = run_as(int(user.split(":")[0]), [str(prefix / "bin" / "rotation-sync"),
                                                "--version"])
    assert started.returncode == 0, started.stderr
    workdir = dict(instructions)["WORKDIR"]
    assert f'VOLUME ["{workdir}"]' in "\n".join(f"{n} {v}" for n, v in instructions)
    assert f"chown rotation-sync:rotation-sync {workdir}" in install
    config = re.search(r"ROTATION_SYNC_CONFIG=(\S+)", env)
    assert config is not None and f"mkdir -p {workdir} {Path(config[1]).parent}" in install
