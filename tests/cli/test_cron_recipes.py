"""The deployment recipes in cron/: each parses, names the right command and is timed to run
just after the handoff (09:00 America/Los_Angeles in the sample config), in the right zone."""

from __future__ import annotations

import configparser
import functools
import json
import re
import shlex
import shutil
import socket
import subprocess
import tomllib
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from tests.helpers import CEILING

# The product is imported inside the functions below, by name, so that moving its modules
# only needs these imports updated.

ROOT = Path(__file__).parent.parent.parent
CRON = ROOT / "cron"
PRODUCTION_EXAMPLE = ROOT / "config" / "production.example.toml"


def load_config(path: Path) -> Any:
    """The product's own loader: exit 2 material raises its ConfigError."""
    from sync.config.model import load_config as load

    return load(path)


@functools.cache
def example() -> Any:
    return load_config(ROOT / "config" / "example.toml")


def assert_just_after_handoff(expression: str, tz: ZoneInfo) -> None:
    """Every run in a year falls within an hour after the handoff, in the roster's zone."""
    from sync.run.scheduler import cron_trigger, next_fire_times

    handoff, zone = example().handoff_time, example().tz
    runs = next_fire_times(cron_trigger(expression, tz), datetime(2026, 1, 1, tzinfo=UTC), 366)
    assert len(runs) == 366, "once a day"
    for run in runs:
        minutes = local_minutes(run.astimezone(zone).time()) - local_minutes(handoff)
        assert 0 < minutes <= 60, f"{run.astimezone(zone)} is not just after the handoff"


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


# -- every recipe's config passes the product's own checks -----------------------------------
# Loading is not enough: "attendees without impersonate" and a malformed spreadsheet id are
# caught when the targets are set up, before any request. So each config is loaded and its
# source and targets are built, with the secrets the recipe provides (a real service-account
# key file, tokens), and with the network closed: set-up must not need it.
@functools.cache
def private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def service_account_key(folder: Path) -> Path:
    path = folder / "service-account.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "rotation-sync-test",
        "private_key_id": "0" * 40, "private_key": private_key_pem(),
        "client_email": "rotation-sync@rotation-sync-test.iam.gserviceaccount.com",
        "client_id": "1" * 21, "token_uri": "https://oauth2.googleapis.com/token"}))
    return path


def assert_sets_up(config_text: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The run's set-up passes: what makes `sync` exit 2 before any request raises here."""
    from sync.config.model import Config
    from sync.errors import ConfigError
    from sync.run.factory import make_source, make_targets

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rotation-sync.toml").write_text(config_text, encoding="utf-8")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(folder)))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-recipe-test")
    monkeypatch.setenv("GITHUB_TOKEN", "github_pat_recipe_test")

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("set-up made a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    try:
        config = load_config(folder / "rotation-sync.toml")
        make_source(config)
        targets = make_targets(config)
    except ConfigError as error:
        pytest.fail(f"the recipe's config would exit 2: {error}")
    assert isinstance(config, Config)
    assert {"calendar", "slack", "handbook"} <= set(targets) == set(config.configured()), \
        "every real backend configured"
    return config


def configmap_toml() -> str:
    return str(kubernetes()["ConfigMap"]["data"]["rotation-sync.toml"])


def test_the_configmap_config_loads_and_sets_up_with_a_service_account(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = assert_sets_up(configmap_toml(), tmp_path, monkeypatch)
    assert config.calendar.attendees is True and config.calendar.impersonate


def test_without_impersonate_the_configmap_config_would_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above is real: the ConfigMap as it used to ship fails it."""
    text = re.sub(r"(?m)^\s*impersonate = .*\n(\s+#.*\n)*", "", configmap_toml())
    assert "impersonate" not in text
    with pytest.raises(pytest.fail.Exception, match="impersonate"):
        assert_sets_up(text, tmp_path, monkeypatch)


def stated_state_dir(recipe: str) -> str:
    """The state_dir a recipe's comments tell the operator to write in the config."""
    found = re.findall(r'state_dir = "([^"]+)"', (CRON / recipe).read_text())
    assert found, f"{recipe} says which state_dir the config needs"
    assert len(set(found)) == 1, found
    return str(found[0])


@pytest.mark.parametrize("recipe", ["crontab", "rotation-sync.service", "Dockerfile",
                                    "github-actions.yml"])
def test_the_production_example_with_the_recipes_state_dir_sets_up(
        recipe: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """crontab, systemd, Docker and Actions reference a config made from the example."""
    assert "production.example.toml" in (CRON / recipe).read_text()
    state_dir = stated_state_dir(recipe)
    text = re.sub(r'(?m)^state_dir = "[^"]*"', f'state_dir = "{state_dir}"',
                  PRODUCTION_EXAMPLE.read_text(encoding="utf-8"))
    config = assert_sets_up(text, tmp_path / "config", monkeypatch)
    if not Path(state_dir).is_absolute():
        assert config.state_dir == tmp_path / "config" / state_dir


def test_the_production_example_keeps_its_state_beside_the_config() -> None:
    """The Actions cache and the crontab rely on the example's relative state_dir."""
    assert tomllib.loads(PRODUCTION_EXAMPLE.read_text(encoding="utf-8"))["state_dir"] == "state"


def test_systemd_state_dir_is_the_units_state_directory() -> None:
    service = systemd_unit("rotation-sync.service")["Service"]
    assert stated_state_dir("rotation-sync.service") == \
        "/var/lib/" + service["StateDirectory"]


def test_systemd_hands_the_google_key_to_the_service() -> None:
    service = systemd_unit("rotation-sync.service")["Service"]
    name, _source = service["LoadCredential"].split(":", 1)
    assert service["Environment"] != ""
    text = (CRON / "rotation-sync.service").read_text()
    assert f"Environment=GOOGLE_APPLICATION_CREDENTIALS=%d/{name}" in text


def test_crontab_sources_all_three_secrets_from_a_file() -> None:
    text = (CRON / "crontab").read_text()
    _, jobs = crontab()
    assert '. "$HOME/.config/rotation-sync/env"' in jobs[0]
    for name in ("SLACK_BOT_TOKEN", "GITHUB_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS"):
        assert f"export {name}=" in text
        assert name not in jobs[0]


# -- the Google key is mounted where GOOGLE_APPLICATION_CREDENTIALS points --------------------
def test_kubernetes_mounts_the_google_key_where_the_environment_names_it() -> None:
    pod = kubernetes()["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    env = {item["name"]: item for item in container["env"]}
    key_path = Path(env["GOOGLE_APPLICATION_CREDENTIALS"]["value"])
    mounts = {mount["mountPath"]: mount for mount in container["volumeMounts"]}
    mount = mounts[str(key_path.parent)]
    assert mount["readOnly"] is True
    volume = next(volume for volume in pod["volumes"] if volume["name"] == mount["name"])
    items = {item["path"]: item["key"] for item in volume["secret"]["items"]}
    assert key_path.name in items, "the Secret's key file appears under that name"
    assert f"--from-file={items[key_path.name]}=" in (CRON / "kubernetes-cronjob.yaml").read_text()
    state = next(m for m in container["volumeMounts"] if m["name"] == "state")
    assert state["mountPath"] != "/tmp" and "readOnly" not in state


def docker_run_example() -> list[str]:
    """The `docker run` command in the Dockerfile's header comment, as argv."""
    lines = [line[1:].strip() for line in (CRON / "Dockerfile").read_text().splitlines()
             if line.startswith("#")]
    start = next(i for i, line in enumerate(lines) if line.startswith("docker run"))
    command = []
    for line in lines[start:]:
        command.append(line.rstrip("\\").strip())
        if not line.endswith("\\"):
            break
    return shlex.split(" ".join(command))


def test_docker_names_the_key_path_and_its_example_mounts_the_key_there() -> None:
    env = {}
    for name, value in dockerfile():
        if name == "ENV":
            env.update(dict(pair.split("=", 1) for pair in shlex.split(value)))
    key_path = env["GOOGLE_APPLICATION_CREDENTIALS"]
    argv = docker_run_example()
    volumes = [argv[i + 1] for i, word in enumerate(argv) if word in ("-v", "--volume")]
    targets = {volume.split(":")[1]: volume.split(":")[2:] for volume in volumes}
    assert targets.get(key_path) == ["ro"], f"the example mounts a key file at {key_path}"
    assert targets.get(str(Path(env["ROTATION_SYNC_CONFIG"]).parent)) == ["ro"]
    (volume_path,) = (json.loads(v) for n, v in dockerfile() if n == "VOLUME")
    assert targets.get(volume_path[0]) == [], "the state on a named volume"
    assert not any(volume.startswith(("/", "$")) for volume in volumes
                   if volume.split(":")[1] == volume_path[0]), "a named volume, not a path"
    passed = [argv[i + 1] for i, word in enumerate(argv) if word in ("-e", "--env")]
    assert {"SLACK_BOT_TOKEN", "GITHUB_TOKEN"} <= set(passed), "tokens from the environment"
    assert all("=" not in name for name in passed), "no secret value on the command line"


def test_kubernetes_runs_the_image_as_the_dockerfile_lays_it_out() -> None:
    env = {}
    for name, value in dockerfile():
        if name == "ENV":
            env.update(dict(pair.split("=", 1) for pair in shlex.split(value)))
    (volume_path,) = (json.loads(v) for n, v in dockerfile() if n == "VOLUME")
    pod = kubernetes()["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    container_env = {item["name"]: item.get("value") for item in pod["containers"][0]["env"]}
    assert container_env["GOOGLE_APPLICATION_CREDENTIALS"] == env["GOOGLE_APPLICATION_CREDENTIALS"]
    assert container_env["ROTATION_SYNC_CONFIG"] == env["ROTATION_SYNC_CONFIG"]
    assert tomllib.loads(configmap_toml())["state_dir"] == volume_path[0]
    assert stated_state_dir("Dockerfile") == volume_path[0]


# -- edit-to-sync without a server: the workflow and the Apps Script ------------------------
APPS_SCRIPT = CRON / "apps-script" / "Code.gs"


def workflow() -> dict[Any, Any]:
    return dict(yaml.safe_load((CRON / "github-actions.yml").read_text()))


def apps_script_event_type() -> str:
    found = re.search(r"""^var EVENT_TYPE = '([^']+)';""", APPS_SCRIPT.read_text(), re.MULTILINE)
    assert found, "Code.gs names its event type"
    return found[1]


def test_github_actions_runs_nightly_and_on_the_apps_scripts_dispatch_never_overlapping(
        ) -> None:
    flow = workflow()
    triggers = flow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert triggers["schedule"], "still nightly"
    assert triggers["repository_dispatch"]["types"] == [apps_script_event_type()]
    group = flow["concurrency"]["group"]
    assert group and "${{" not in group, "one fixed group: no two runs at once, ever"
    assert flow["concurrency"]["cancel-in-progress"] is False, "a running sync is never killed"


def test_github_actions_carries_the_state_between_runs() -> None:
    steps = workflow()["jobs"]["sync"]["steps"]
    restore = next(s for s in steps if s.get("uses", "").startswith("actions/cache/restore@"))
    save = next(s for s in steps if s.get("uses", "").startswith("actions/cache/save@"))
    sync_step = next(s for s in steps if "rotation-sync sync" in s.get("run", ""))
    assert steps.index(restore) < steps.index(sync_step) < steps.index(save)
    assert save["if"] == "always()", "a failed run's history is kept too"
    assert restore["with"]["path"] == save["with"]["path"]
    assert restore["with"]["key"] == save["with"]["key"]
    assert save["with"]["key"].startswith(restore["with"]["restore-keys"])
    config = shlex.split(sync_step["run"].splitlines()[-1])
    config_path = Path(config[config.index("-c") + 1])
    state_dir = tomllib.loads(PRODUCTION_EXAMPLE.read_text(encoding="utf-8"))["state_dir"]
    assert Path(restore["with"]["path"]) == config_path.parent / state_dir
    assert sync_step["env"]["GOOGLE_APPLICATION_CREDENTIALS"].endswith("/google.json")
    assert '> "$RUNNER_TEMP/google.json"' in sync_step["run"]


def test_the_apps_script_installs_an_on_change_trigger_and_posts_a_dispatch() -> None:
    text = APPS_SCRIPT.read_text()
    assert re.search(r"^function installTrigger\(\)", text, re.MULTILINE)
    assert re.search(r"\.forSpreadsheet\([^)]*\)\.onChange\(\)\.create\(\)", text)
    assert "'/dispatches'" in text and "method: 'post'" in text
    assert "event_type: EVENT_TYPE" in text
    assert "getScriptProperties()" in text and "required(props, 'GITHUB_TOKEN')" in text
    assert not re.search(r"gh[pousr]_[A-Za-z0-9]{20}|github_pat_", text), "no token in code"
    assert "LockService" in text, "executions of one burst agree through a lock"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_apps_script_is_valid_javascript(tmp_path: Path) -> None:
    copy = tmp_path / "Code.js"
    copy.write_text(APPS_SCRIPT.read_text())
    result = subprocess.run(["node", "--check", str(copy)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# Apps Script's services, just enough of them, and four scenes: install, a burst of two
# edits, a change outside the roster tabs, and a dispatch GitHub refuses.
APPS_SCRIPT_HARNESS = r"""
const vm = require('vm'), crypto = require('crypto'), fs = require('fs');
let props = {GITHUB_TOKEN: 'tok-123456', GITHUB_REPOSITORY: 'acme/roster', SPREADSHEET_ID: 's1'};
const tabs = {Rotations: [['Start', 'End', 'Engineers']], People: [['GitHub']],
              'Sync status': [['ok']]};
const fetches = [], triggers = [];
let status = 204, duringSleep = null;
const sheet = {getName: () => 'Roster',
               getSheetByName: n => n in tabs ? {getDataRange: () => ({
                 getValues: () => tabs[n], getFormulas: () => tabs[n].map(r => r.map(() => ''))})}
                                              : null};
Object.assign(globalThis, {
  PropertiesService: {getScriptProperties: () => ({
    getProperty: k => (k in props ? props[k] : null), setProperty: (k, v) => { props[k] = v; }})},
  LockService: {getScriptLock: () => ({waitLock() {}, releaseLock() {}})},
  Utilities: {sleep() { const f = duringSleep; duringSleep = null; if (f) f(); },
              computeDigest: (a, s) => [...crypto.createHash('sha256').update(s).digest()],
              base64Encode: b => Buffer.from(b).toString('base64'),
              DigestAlgorithm: {SHA_256: 'SHA_256'}, Charset: {UTF_8: 'UTF_8'}},
  SpreadsheetApp: {openById: id => sheet},
  UrlFetchApp: {fetch: (url, o) => { if (o.method === 'get') {  // the config: not found
                                       return {getResponseCode: () => 404}; }
                                     fetches.push({url, method: o.method, headers: o.headers,
                                                    body: JSON.parse(o.payload)});
                                     return {getResponseCode: () => status,
                                             getContentText: () => ''}; }},
  ScriptApp: {getProjectTriggers: () => triggers.slice(),
              deleteTrigger: t => triggers.splice(triggers.indexOf(t), 1),
              newTrigger: h => {
                const b = {forSpreadsheet: s => b, onChange: () => { b.change = true; return b; },
                           create: () => triggers.push({change: b.change,
                                                        getHandlerFunction: () => h})};
                return b; }},
  console: {log() {}, error() {}},
});
vm.runInThisContext(fs.readFileSync(process.argv[2], 'utf8'));
const out = {};
installTrigger(); installTrigger();
out.triggers = triggers.map(t => [t.getHandlerFunction(), t.change]);
out.afterInstall = fetches.length;
tabs.Rotations.push(['2026-01-05', '2026-02-01', 'a']);
duringSleep = () => { tabs.Rotations.push(['2026-02-02', '2026-03-01', 'b']);
                      onRosterChange({source: sheet}); };
onRosterChange({source: sheet});
out.afterBurst = fetches.length;
tabs['Sync status'] = [['written by rotation-sync']];
onRosterChange({source: sheet});
out.afterStatusTab = fetches.length;
status = 403; tabs.People.push(['c']);
try { onRosterChange({source: sheet}); out.refused = null; } catch (e) { out.refused = e.message; }
status = 204; onRosterChange({source: sheet});
out.afterRetry = fetches.length;
out.first = fetches[0];
process.stdout.write(JSON.stringify(out) + "\n");
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_apps_script_sends_one_dispatch_per_burst_and_none_for_other_changes(
        tmp_path: Path) -> None:
    harness = tmp_path / "harness.js"
    harness.write_text(APPS_SCRIPT_HARNESS)
    result = subprocess.run(["node", str(harness), str(APPS_SCRIPT)], capture_output=True,
                            text=True, timeout=CEILING)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["triggers"] == [["onRosterChange", True]], "installing twice leaves one trigger"
    assert out["afterInstall"] == 0
    assert out["afterBurst"] == 1, "two edits within the quiet time: one dispatch"
    assert out["afterStatusTab"] == 1, "a change outside the roster tabs sends nothing"
    assert "403" in out["refused"] and "Contents" in out["refused"]
    assert "tok-123456" not in out["refused"]
    assert out["afterRetry"] == 3, "a refused dispatch is tried again on the next change"
    first = out["first"]
    assert first["url"] == "https://api.github.com/repos/acme/roster/dispatches"
    assert first["method"] == "post"
    assert first["headers"]["Authorization"] == "Bearer tok-123456"
    assert first["body"]["event_type"] == apps_script_event_type() == \
        workflow()[True]["repository_dispatch"]["types"][0]


def test_every_install_in_the_recipes_comes_from_the_lock() -> None:
    """The image and the workflow install exactly uv.lock's versions, and fail if it is stale."""
    for name in ("Dockerfile", "github-actions.yml"):
        text = (CRON / name).read_text()
        assert "uv sync --locked" in text, name
        assert "pip install ." not in text and "pip install /tmp/src" not in text, name
    assert "COPY pyproject.toml uv.lock" in (CRON / "Dockerfile").read_text()
