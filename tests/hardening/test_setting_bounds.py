"""Every setting has bounds (issue 23, point 6): `poll` 10s to 24h, `horizon` up to 730d,
durations in any unit up to their bounds ("8760h" is 365 days), and no value of any
duration, count or path key reaches a traceback: it is a config error naming the key
(exit 2), or a run that ends as runs end."""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sync.cli.commands import app
from sync.config.model import parse_config
from sync.errors import ConfigError
from sync.run.scheduler import NightlySync, new_scheduler
from tests.conftest import LOCAL_CONFIG, make_workspace

BASE = tomllib.loads(LOCAL_CONFIG.replace("{policy}", "keep"))
DURATIONS = [("schedule", "poll"), ("time_off", "horizon"), ("time_off", "ics_deadline"),
             ("slack", "remind_before"), ("propose", "horizon"), ("propose", "length"),
             ("propose", "min_gap"), ("cover", "expire_after")]
COUNTS = [("history", "keep_runs"), ("propose", "engineers"), ("propose", "max_per_team")]
PATHS = [(None, "state_dir"), ("source", "rotations"), ("source", "people"),
         ("source", "overrides"), ("calendar", "path"), ("slack", "path"),
         ("handbook", "path"), ("time_off", "file"), ("time_off", "ics_url"),
         ("propose", "file"), ("page", "dir")]
KEYS = DURATIONS + COUNTS + PATHS


def with_value(section: str | None, key: str, value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(BASE))
    if section is None:
        data[key] = value
    else:
        data.setdefault(section, {})[key] = value
    return data


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") \
            if math.isinf(value) else repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def to_toml(data: dict[str, Any]) -> str:
    lines = [f"{k} = {toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for name, section in data.items():
        if isinstance(section, dict):
            lines += [f"\n[{name}]"] + [f"{k} = {toml_value(v)}" for k, v in section.items()]
    return "\n".join(lines) + "\n"


DURATION_TEXT = st.builds(lambda n, u, pad: f"{pad}{n}{u}{pad}",
                          st.integers(0, 10**16), st.sampled_from("smhdwSMHDWy"),
                          st.sampled_from(["", " "]))
UNWRITABLE = ("/dev/null", "/proc/self")  # no run can write there: safe to hand to `sync`
VALUES = st.one_of(DURATION_TEXT, st.text(max_size=40), st.integers(-10**20, 10**20),
                   st.floats(), st.booleans(), st.lists(DURATION_TEXT, max_size=3),
                   st.lists(st.text(max_size=10), max_size=2),
                   st.sampled_from(["", ".", "..", "/", *UNWRITABLE, "a\x00b", "x" * 5000, "~",
                                    "roster", "https://", "http://[::1"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(KEYS), VALUES)
def test_any_value_of_any_key_is_a_config_error_naming_it_or_a_config(
        key: tuple[str | None, str], value: Any) -> None:
    section, name = key
    try:
        config = parse_config(with_value(section, name, value), Path("cfg"))
    except ConfigError as error:
        assert name in str(error)
        return
    if config.schedule.poll:  # what `schedule` builds from it: no overflow there either
        NightlySync(config, new_scheduler(config.tz, BackgroundScheduler)).add_jobs()
    if config.time_off is not None:
        assert 0 <= config.time_off.horizon_days <= 730
        assert 1 <= config.time_off.deadline_seconds <= 600


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(KEYS), VALUES, st.sampled_from(["validate", "plan", "sync"]))
def test_no_value_of_any_key_reaches_a_traceback(tmp_path_factory: pytest.TempPathFactory,
                                                 key: tuple[str | None, str], value: Any,
                                                 command: str) -> None:
    workspace = make_workspace(tmp_path_factory.mktemp("bounds"))
    if key in PATHS and isinstance(value, str) and value not in UNWRITABLE:
        value = value.replace("/", "_")  # `sync` writes there: never outside its folder
    workspace.config.write_text(to_toml(with_value(*key, value)))
    result = CliRunner().invoke(app, [command, "-c", str(workspace.config),
                                      "--today", "2022-09-10"])
    output = result.stdout + result.stderr
    assert result.exit_code in (0, 1, 2, 3), output
    assert "Traceback" not in output and "unexpected problem" not in output, output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit), output


@pytest.mark.parametrize(("section", "key", "value", "bounds"), [
    ("schedule", "poll", "999999999h", "from 10s to 24h"),
    ("schedule", "poll", "9s", "from 10s to 24h"),
    ("schedule", "poll", "25h", "from 10s to 24h"),
    ("time_off", "horizon", "731d", "from 0d to 730d"),
    ("time_off", "horizon", "99999999999999w", "from 0d to 730d"),
    ("slack", "remind_before", ["366d"], "from 1s to 365d"),
])
def test_the_error_names_the_key_and_its_bounds(section: str, key: str, value: Any,
                                                bounds: str) -> None:
    with pytest.raises(ConfigError, match=rf"{section}\.{key}.*{bounds}"):
        parse_config(with_value(section, key, value), Path("cfg"))


@pytest.mark.parametrize(("section", "key", "value"), [
    ("schedule", "poll", "24h"), ("schedule", "poll", "1440m"), ("schedule", "poll", "10s"),
    ("time_off", "horizon", "730d"), ("time_off", "horizon", "17520h"),
    ("time_off", "horizon", "104w"), ("slack", "remind_before", ["8760h", "365d", "30m"]),
])
def test_durations_in_any_unit_up_to_the_bounds_are_accepted(section: str, key: str,
                                                             value: Any) -> None:
    parse_config(with_value(section, key, value), Path("cfg"))


@pytest.mark.parametrize(("section", "values"), [
    ("time_off", {"google_calendar": True, "horizon": "99999999999999w"}),
    ("time_off", {"google_calendar": True, "horizon": "5000d"}),
    ("calendar", {"kind": "ics", "path": "out/a\x00b.ics"}),
    ("source", {"kind": "csv", "rotations": "roster/\x00.csv", "people": "roster/people.csv"}),
])
def test_the_reported_extremes_are_config_errors(tmp_path: Path, section: str,
                                                 values: dict[str, Any]) -> None:
    workspace = make_workspace(tmp_path)
    data = json.loads(json.dumps(BASE))
    data.setdefault(section, {}).update(values)
    workspace.config.write_text(to_toml(data))
    result = CliRunner().invoke(app, ["validate", "-c", str(workspace.config),
                                      "--today", "2022-09-10"])
    assert result.exit_code == 2, result.output
    key = next(k for k in values if k not in ("kind", "google_calendar", "people"))
    assert f"{section}.{key}" in result.output and "unexpected" not in result.output
