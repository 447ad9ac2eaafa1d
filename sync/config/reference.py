"""The README's config reference, generated from the config's models (`make docs`)."""

from __future__ import annotations

from datetime import time
from typing import Any

from pydantic import BaseModel

from sync.config.cover import Cover
from sync.config.model import TAGGED_SECTIONS, Settings
from sync.config.propose import Propose
from sync.config.publish import Feeds, Page
from sync.config.sections import (
    CsvSource,
    History,
    Notify,
    Schedule,
    SheetsSource,
    TimeOff,
)
from sync.core.section import Section, kind_name
from sync.targets.registry import TARGETS

# -- docs --------------------------------------------------------------------------------
DOC_SECTIONS: list[tuple[str, list[type[Section]]]] = [
    ("", [Settings]),
    ("source", [CsvSource, SheetsSource]),
    *[(entry.name, [backend.section for backend in entry.backends]) for entry in TARGETS],
    ("notify", [Notify]),
    ("schedule", [Schedule]),
    ("history", [History]),
    ("time_off", [TimeOff]),
    ("propose", [Propose]),
    ("feeds", [Feeds]),
    ("page", [Page]),
    ("cover", [Cover]),
]


def config_reference() -> str:
    """The README's config table, generated from the models so the docs cannot drift."""
    lines = ["| key | kind | default | meaning |", "| --- | --- | --- | --- |"]
    for section, models in DOC_SECTIONS:
        for key, kinds, default, meaning in section_rows(models):
            name = f"[{section}] {key}" if section else key
            lines.append(f"| `{name}` | {kinds} | {default} | {meaning} |")
    return "\n".join(lines) + "\n"


def section_rows(models: list[type[Section]]) -> list[tuple[str, str, str, str]]:
    """One row per key; a key several kinds share lists them, with each kind's meaning."""
    kinds_of: dict[str, list[str]] = {}
    meanings: dict[str, dict[str, str]] = {}
    defaults: dict[str, str] = {}
    for model in models:
        kind = kind_name(model)
        for key, info in model.model_fields.items():
            if key in TAGGED_SECTIONS or key in ("notify", "schedule", "history", "time_off",
                                                        "propose", "feeds", "page",
                                                        "cover"):
                continue
            kinds_of.setdefault(key, []).append(kind)
            meanings.setdefault(key, {})[kind] = info.description or ""
            defaults[key] = "required" if info.is_required() or key == "kind" \
                else f"`{show_default(info.default)}`"
    meanings["kind"] = {"all": "one of " + ", ".join(f"`{kind_name(m)}`" for m in models)}
    order = ["kind", *[key for key in kinds_of if key != "kind"]] if "kind" in kinds_of \
        else list(kinds_of)
    return [(key, "all" if len(kinds_of[key]) == len(models) else ", ".join(kinds_of[key]),
             defaults[key], describe_meanings(meanings[key])) for key in order]


def describe_meanings(by_kind: dict[str, str]) -> str:
    distinct = set(by_kind.values())
    if len(distinct) == 1:
        return distinct.pop()
    return "; ".join(f"{kind}: {meaning.rstrip('.')}" for kind, meaning in by_kind.items())


def show_default(value: Any) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, tuple):
        return "[]"
    if isinstance(value, BaseModel):
        return "{}"
    if value is None:
        return "unset"
    return str(value).lower() if isinstance(value, bool) else str(value)
