"""config/production.example.toml is documentation an admin copies: it must load, and it must
show every key of the real backends, so a new key without an example fails here."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sync.config.model import Config, load_config

EXAMPLE = Path(__file__).parent.parent.parent / "config" / "production.example.toml"


def test_it_loads_with_the_real_backends():
    config = load_config(EXAMPLE)

    assert config.source.kind == "google_sheets"
    assert config.calendar is not None and config.calendar.kind == "google"
    assert config.slack is not None and config.slack.kind == "slack"
    assert config.handbook is not None and config.handbook.kind == "github"


def test_it_shows_every_key():
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    config = load_config(EXAMPLE)

    assert set(data) == set(Config.model_fields)
    for name in ("source", "calendar", "slack", "handbook", "topic", "notify", "schedule"):
        section = getattr(config, name)
        assert set(data[name]) == set(type(section).model_fields), name
