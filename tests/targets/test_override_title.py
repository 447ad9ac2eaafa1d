"""`[calendar] override_title`: placeholders checked when the config loads (exit 2 naming the
key), and rendered for rows with and without a cover."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.config.model import parse_config
from sync.errors import ConfigError
from sync.targets.calendar.model import EventSettings, desired_events
from tests.helpers import make_roster, with_overrides

BASE = {"source": {"kind": "csv", "rotations": "r.csv", "people": "p.csv"}}


def calendar(**keys: str) -> dict[str, object]:
    return BASE | {"calendar": {"kind": "ics", "path": "out.ics", **keys}}


@pytest.mark.parametrize(("title", "problem"), [
    ("{who} covers", "has the unknown placeholder {who}"),
    ("{cover covers", "has an unmatched { or }"),
])
def test_a_bad_override_title_is_a_config_error_naming_the_key(title: str,
                                                               problem: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(calendar(override_title=title), Path("."))
    assert raised.value.exit_code == 2
    assert "calendar.override_title" in str(raised.value) and problem in str(raised.value)


def test_a_custom_override_title_is_rendered_for_every_row() -> None:
    config = parse_config(calendar(override_title="{cover} for {engineer} ({start}-{end})"),
                          Path("."))
    assert config.calendar is not None
    roster = with_overrides(make_roster(),
                            ("2022-09-12", "2022-09-14", "valerybugakov", "sven-larsen", ""),
                            ("2022-09-20", "2022-09-20", "keegancsmith", None, ""))
    events = desired_events(roster, EventSettings(
        "x", True, override_title=config.calendar.override_title))
    assert events["override-valerybugakov-20220912"].summary == \
        "Sven Larsen for Valery Bugakov (2022-09-12-2022-09-14)"
    assert events["override-keegancsmith-20220920"].summary == \
        "nobody for Keegan Carruthers-Smith (2022-09-20-2022-09-20)"
