"""Config problems in a manager's words: what to write, not what pydantic expected.

pydantic says "Input tag 'ical' found using 'kind'…" or "input is too short"; a person
editing the TOML file needs the key, what they wrote, and the valid choices, and for a
misspelt key the closest valid one.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

Models = Mapping[str, list[type[BaseModel]]]  # section name ("" = top level) → its kinds


def describe(problem: ErrorDetails, key: str, sections: Models) -> str:
    """One line: `key: what is wrong; what to write`."""
    kind = problem["type"]
    if kind == "extra_forbidden":
        return unknown_key(key, sections)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return wrong_kind(problem, key, sections)
    wording = WORDINGS.get(kind)
    return f"{key}: {wording(problem) if wording else plain(problem)}"


def unknown_key(key: str, sections: Models) -> str:
    section, _, name = key.rpartition(".")
    valid = valid_keys(section, sections)
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
    if close:
        return f"{key}: unknown key; did you mean {close[0]}?"
    where = f"[{section}]" if section else "the top level"
    return f"{key}: unknown key; the keys of {where} are {', '.join(sorted(valid))}."


def wrong_kind(problem: ErrorDetails, key: str, sections: Models) -> str:
    kinds = ", ".join(f'"{kind_of(model)}"' for model in sections.get(key, []))
    tag = ctx(problem, "tag")
    wrong = f'kind = "{tag}" is not a kind' if tag is not None else "kind is missing"
    return f"{key}.kind: {wrong}; write kind = one of {kinds}"


def kind_of(model: type[BaseModel]) -> str:
    field = model.model_fields.get("kind")
    return str(field.annotation.__args__[0]) if field and field.annotation else ""


def valid_keys(section: str, sections: Models) -> list[str]:
    keys: dict[str, None] = {}
    for model in sections.get(section, []):
        keys.update(dict.fromkeys(model.model_fields))
    return list(keys)


def quoted_choices(text: str) -> str:
    """pydantic's "'ics', 'google'" or "'keep', 'disable' or 'fallback'" as TOML strings."""
    names = [part.strip(" '\"") for part in text.replace(" or ", ", ").split(",")]
    return ", ".join(f'"{name}"' for name in names if name)


def written(problem: ErrorDetails) -> str:
    value = problem.get("input")
    if isinstance(value, dict | list):
        return ""
    return f"{value!r} is not valid; " if isinstance(value, str) else f"{value} is not valid; "


def ctx(problem: ErrorDetails, name: str) -> Any:
    return (problem.get("ctx") or {}).get(name)


def plain(problem: ErrorDetails) -> str:
    return str(problem["msg"]).removeprefix("Value error, ")


WORDINGS: dict[str, Callable[[ErrorDetails], str]] = {
    "missing": lambda p: "required key is missing",
    "literal_error": lambda p: f"{written(p)}write one of "
                               f"{quoted_choices(str(ctx(p, 'expected')))}",
    "time_parsing": lambda p: f"{written(p)}write a time such as \"09:00\"",
    "time_type": lambda p: f"{written(p)}write a time such as \"09:00\"",
    "bool_parsing": lambda p: f"{written(p)}write true or false",
    "bool_type": lambda p: f"{written(p)}write true or false",
    "int_parsing": lambda p: f"{written(p)}write a whole number",
    "int_type": lambda p: f"{written(p)}write a whole number",
    "greater_than_equal": lambda p: f"{written(p)}write a number of at least {ctx(p, 'ge')}",
    "less_than_equal": lambda p: f"{written(p)}write a number of at most {ctx(p, 'le')}",
    "string_too_short": lambda p: "must not be empty",
    "string_type": lambda p: f"{written(p)}write text in quotes",
    "string_pattern_mismatch": lambda p: f"{written(p)}use lowercase letters, digits and "
                                         "dashes" if "a-z0-9-" in str(ctx(p, "pattern"))
                                         else f"{written(p)}see the README for its form",
    "tuple_type": lambda p: f"{written(p)}write a list such as [\"a\", \"b\"]",
    "list_type": lambda p: f"{written(p)}write a list such as [\"a\", \"b\"]",
    "model_type": lambda p: "write a section ([name] on a line of its own) with its keys",
    "model_attributes_type": lambda p: "write a section ([name] on a line of its own) with "
                                       "its keys",
}
