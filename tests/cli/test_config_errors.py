"""Config errors in a manager's words: the closest valid key for a typo, what to write
instead of pydantic's wording, and `validate` catching what only `plan` (or the first
night) used to find. All exit 2 naming the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Workspace

PYDANTIC_WORDS = ("Input tag", "found using", "input is too short", "Input should",
                  "Extra inputs", "Unable to extract", "Value error")


def config_error(workspace: Workspace, edit: tuple[str, str], command: str = "validate") -> str:
    old, new = edit
    text = workspace.config.read_text()
    assert old in text, old
    workspace.config.write_text(text.replace(old, new, 1))
    code, document = workspace.run_json(command)
    assert code == 2, document
    message = str(document["error"])
    assert not any(words in message for words in PYDANTIC_WORDS), message
    return message


@pytest.mark.parametrize(("edit", "expected"), [
    (('kind = "ics"', 'kind = "ics"\natendees = true'), "calendar.atendees: unknown key; "
                                                         "did you mean attendees?"),
    (('timezone =', 'timezon ='), "timezon: unknown key; did you mean timezone?"),
    (('usergroup =', 'usergrop ='), "slack.usergrop: unknown key; did you mean usergroup?"),
    (('kind = "ics"', 'kind = "ical"'), 'calendar.kind: kind = "ical" is not a kind; write '
                                        'kind = one of "ics", "google"'),
    (('kind = "ics"\n', ''), 'calendar.kind: kind is missing; write kind = one of "ics", '
                              '"google"'),
    (('handoff_time = "09:00"', 'handoff_time = "9am"'), "handoff_time: '9am' is not valid; "
                                                         'write a time such as "09:00"'),
    (('empty_policy = "keep"', 'empty_policy = "kep"'), "slack.empty_policy: 'kep' is not "
     'valid; write one of "keep", "disable", "fallback"'),
])
def test_config_errors_say_what_to_write(workspace: Workspace, edit: tuple[str, str],
                                         expected: str) -> None:
    assert expected in config_error(workspace, edit)


def test_an_unknown_key_far_from_any_lists_the_valid_ones(workspace: Workspace) -> None:
    message = config_error(workspace, ('[source]', 'zzz = 1\n[source]'))
    assert "zzz: unknown key; the keys of the top level are" in message
    assert "handoff_time" in message


def test_every_problem_at_once(workspace: Workspace) -> None:
    text = workspace.config.read_text().replace('kind = "ics"', 'kind = "ics"\natendees = 1')
    workspace.config.write_text(text.replace("timezone =", "timezon ="))
    message = workspace.run_json("validate")[1]["error"]
    assert "atendees" in message and "timezon" in message


GOOGLE_CALENDAR = """
[calendar]
kind = "google"
calendar_id = "c_123@group.calendar.google.com"
attendees = true
"""


def with_calendar(workspace: Workspace, section: str) -> None:
    text = workspace.config.read_text()
    before, after = text.split("[calendar]")
    workspace.config.write_text(before + section + "\n[slack]" + after.split("[slack]")[1])


def test_validate_reports_attendees_without_impersonate(workspace: Workspace, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    with_calendar(workspace, GOOGLE_CALENDAR)
    code, document = workspace.run_json("validate")
    assert code == 2 and "[calendar] impersonate" in document["error"]
    user = tmp_path / "user.json"  # a person's own credentials may invite
    user.write_text(json.dumps({"type": "authorized_user"}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(user))
    assert workspace.run_json("validate")[0] == 0


def test_validate_with_impersonate_is_fine(workspace: Workspace) -> None:
    with_calendar(workspace, GOOGLE_CALENDAR + 'impersonate = "bot@example.com"\n')
    assert workspace.run_json("validate")[0] == 0


def test_validate_reports_a_bad_schedule_and_notify_without_slack(workspace: Workspace) -> None:
    text = workspace.config.read_text().split("[slack]")[0]
    workspace.config.write_text(text + '[schedule]\ncron = "0 2 * *"\n'
                                '[notify]\nchannel = "#oncall"\n')
    code, document = workspace.run_json("validate")
    assert code == 2
    assert "[schedule] cron = '0 2 * *' is not a valid cron expression" in document["error"]
    assert "[notify] channel is set but there is no [slack] section" in document["error"]
