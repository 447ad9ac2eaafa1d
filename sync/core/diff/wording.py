"""Changes in words: what was added and removed, which dates moved, never a cut-off string.

One wording for every place a change is read (plan, status tab, pull request, notices): a
record says what changed from its earlier self with `changes_from`; records without it get
the same words field by field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any


def delta(before: Iterable[Any], after: Iterable[Any]) -> list[str]:
    """['add a, b', 'remove c']: the items of `after` not in `before`, and the reverse."""
    was, now = [str(item) for item in before], [str(item) for item in after]
    added = [item for item in now if item not in was]
    removed = [item for item in was if item not in now]
    return ([f"add {', '.join(added)}"] if added else []) + \
        ([f"remove {', '.join(removed)}"] if removed else [])


def changed(name: str, before: Iterable[Any], after: Iterable[Any]) -> list[str]:
    """['engineers add @c and remove @b'], or [] when nobody came or went."""
    words = delta(before, after)
    return [f"{name} {' and '.join(words)}"] if words else []


def moved(before: str, after: str) -> list[str]:
    """['dates 2022-09-07 to 2022-10-09 → 2022-09-07 to 2022-10-16'] when they differ."""
    return [f"dates {before} → {after}"] if before != after else []


def retitled(before: str, after: str, name: str = "title") -> list[str]:
    """The whole new text and the whole old one: both sides always readable."""
    return [f'{name} "{after}" (was "{before}")'] if before != after else []


def what_changed(before: Any, after: Any) -> list[str]:
    """The record's own words, or field by field for records that have none."""
    own = getattr(after, "changes_from", None)
    if callable(own):
        words: list[str] = own(before)
        return words
    return [word for item in fields(after)
            for word in field_words(item.name, getattr(before, item.name),
                                    getattr(after, item.name))]


def field_words(name: str, before: Any, after: Any) -> list[str]:
    if before == after:
        return []
    if isinstance(after, tuple) and isinstance(before, tuple):
        return changed(name, before, after) or [f"{name} reordered"]
    if isinstance(after, str) and isinstance(before, str):
        return retitled(before, after, name)
    return [f"{name} {before} → {after}"]
