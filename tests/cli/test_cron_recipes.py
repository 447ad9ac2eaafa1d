"""The deployment recipes in cron/: each parses, names the right command and is timed to run
just after the handoff (09:00 America/Los_Angeles in the sample config), in the right zone."""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from sync.config.model import load_config
from sync.run.scheduler import cron_trigger, next_fire_times

ROOT = Path(__file__).parent.parent.parent
CRON = ROOT / "cron"
EXAMPLE = load_config(ROOT / "config" / "example.toml")
HANDOFF = EXAMPLE.handoff_time
TZ = EXAMPLE.tz


def assert_just_after_handoff(expression: str, tz: ZoneInfo) -> None:
    """Every run in a year falls within an hour after the handoff, in the roster's zone."""
    runs = next_fire_times(cron_trigger(expression, tz), datetime(2026, 1, 1, tzinfo=UTC), 366)
    assert len(runs) == 366, "once a day"
    for run in runs:
        minutes = local_minutes(run.astimezone(TZ).time()) - local_minutes(HANDOFF)
        assert 0 < minutes <= 60, f"{run.astimezone(TZ)} is not just after the handoff"


def local_minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def systemd_unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None,
                                       comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(CRON / name, encoding="utf-8")
    return parser


# -- crontab ---------------------------------------------------------------------------------
def crontab() -> tuple[dict[str, str], list[str]]:
    variables, jobs = {}, []
    for line in (CRON / "crontab").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.fullmatch(r"[A-Z_]+=\S*", line):
            name, value = line.split("=", 1)
            variables[name] = value
        else:
            jobs.append(line)
    return variables, jobs


def test_crontab_has_one_line_that_runs_sync_just_after_the_handoff() -> None:
    variables, jobs = crontab()
    assert len(jobs) == 1
    fields = jobs[0].split(None, 5)
    assert len(fields) == 6, "five time fields and a command"
    command = shlex.split(fields[5])
    assert "sync" in command and any(word.endswith("rotation-sync") for word in command)
    assert "%" not in fields[5], "cron turns % into a newline"
    assert_just_after_handoff(" ".join(fields[:5]), ZoneInfo(variables["CRON_TZ"]))


def test_crontab_command_is_valid_shell() -> None:
    _, jobs = crontab()
    result = subprocess.run(["sh", "-n", "-c", jobs[0].split(None, 5)[5]],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# -- systemd ---------------------------------------------------------------------------------
def test_systemd_service_runs_sync_with_a_runtime_cap() -> None:
    service = systemd_unit("rotation-sync.service")["Service"]
    assert service["Type"] != "oneshot", "RuntimeMaxSec has no effect on oneshot services"
    assert re.fullmatch(r"\d+min", service["RuntimeMaxSec"])
    assert re.search(r"rotation-sync sync\b", service["ExecStart"])
    assert service["EnvironmentFile"].startswith("/etc/"), "secrets from a file, not the unit"
    text = (CRON / "rotation-sync.service").read_text()
    assert not re.search(r"^Environment=.*TOKEN", text, re.MULTILINE)


def test_systemd_timer_runs_daily_just_after_the_handoff_and_catches_up() -> None:
    timer = systemd_unit("rotation-sync.timer")
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "rotation-sync.service"
    assert timer["Install"]["WantedBy"] == "timers.target"
    day, clock, zone = timer["Timer"]["OnCalendar"].split()
    assert day == "*-*-*"
    hour, minute, _ = clock.split(":")
    assert_just_after_handoff(f"{int(minute)} {int(hour)} * * *", ZoneInfo(zone))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_calendar_expression() -> None:
    expression = systemd_unit("rotation-sync.timer")["Timer"]["OnCalendar"]
    result = subprocess.run(["systemd-analyze", "calendar", expression], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr


# -- Kubernetes --------------------------------------------------------------------------------
def kubernetes() -> dict[str, dict[str, Any]]:
    documents = list(yaml.safe_load_all((CRON / "kubernetes-cronjob.yaml").read_text()))
    return {document["kind"]: document for document in documents}


def test_kubernetes_cronjob_forbids_overlap_and_runs_just_after_the_handoff() -> None:
    spec = kubernetes()["CronJob"]["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert_just_after_handoff(spec["schedule"], ZoneInfo(spec["timeZone"]))
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["args"][0] == "sync"
    assert pod["securityContext"]["runAsNonRoot"] is True


def test_kubernetes_secrets_come_from_a_secret_and_the_config_from_a_configmap() -> None:
    documents = kubernetes()
    pod = documents["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    env = {item["name"]: item for item in pod["containers"][0]["env"]}
    for name in ("SLACK_BOT_TOKEN", "GITHUB_TOKEN"):
        assert env[name]["valueFrom"]["secretKeyRef"]["key"] == name
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mounts = {mount["name"]: mount["mountPath"] for mount in pod["containers"][0]["volumeMounts"]}
    config_map = documents["ConfigMap"]
    assert volumes["config"]["configMap"]["name"] == config_map["metadata"]["name"]
    assert mounts["config"] == str(Path(env["ROTATION_SYNC_CONFIG"]["value"]).parent)
    assert volumes["state"]["persistentVolumeClaim"]["claimName"] == \
        documents["PersistentVolumeClaim"]["metadata"]["name"]


def test_the_configmap_holds_a_valid_config_whose_state_is_on_the_volume(
        tmp_path: Path) -> None:
    documents = kubernetes()
    (tmp_path / "rotation-sync.toml").write_text(
        documents["ConfigMap"]["data"]["rotation-sync.toml"])
    config = load_config(tmp_path / "rotation-sync.toml")
    pod = documents["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    mounts = {mount["name"]: mount["mountPath"] for mount in pod["containers"][0]["volumeMounts"]}
    assert str(config.state_dir) == mounts["state"]


# -- GitHub Actions ------------------------------------------------------------------------------
def test_github_actions_workflow_is_scheduled_and_can_be_run_by_hand() -> None:
    workflow = yaml.safe_load((CRON / "github-actions.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert "workflow_dispatch" in triggers
    (schedule,) = triggers["schedule"]
    assert_just_after_handoff(schedule["cron"], ZoneInfo(schedule.get("timezone", "UTC")))
    assert workflow["concurrency"]["cancel-in-progress"] is False
    steps = workflow["jobs"]["sync"]["steps"]
    sync_step = next(step for step in steps if "rotation-sync sync" in step.get("run", ""))
    assert all(value.startswith("${{") for value in sync_step["env"].values())
    assert json.dumps(workflow).count("secrets.") >= 3, "tokens from repository secrets"


# -- Dockerfile ---------------------------------------------------------------------------------
def dockerfile() -> list[tuple[str, str]]:
    text = (CRON / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines
            if line and not line.startswith("#")]


def test_dockerfile_builds_the_cli_for_a_non_root_user() -> None:
    instructions = dockerfile()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert dict(instructions)["ENTRYPOINT"] == '["rotation-sync"]'
    users = [value for name, value in instructions if name == "USER"]
    assert users and not users[-1].startswith(("root", "0"))
    for name, value in instructions:
        if name == "COPY":
            *sources, _ = value.split()
            assert all((ROOT / source).exists() for source in sources), value
