"""Templates (event_title, override_title, the topic) checked when the config is loaded.

Only the documented placeholders, no format spec, conversion, attribute or index (which
could read anything or pad a title to gigabytes), a bounded length, and a rendered text
that is cut at a sane size: a typo is exit 2 naming the key, never a crash mid-run.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping

from sync.core.limits import MAX_PLACEHOLDERS, MAX_TEMPLATE_CHARS, MAX_TITLE_CHARS

FORMATTER = string.Formatter()


def check_template(template: str, allowed: Iterable[str]) -> str:
    """The template, or ValueError saying what is wrong in words for the config's author."""
    names = sorted(allowed)
    offer = ", ".join("{" + name + "}" for name in names)
    if len(template) > MAX_TEMPLATE_CHARS:
        raise ValueError(f"is {len(template)} characters long; keep it under "
                         f"{MAX_TEMPLATE_CHARS}")
    try:
        fields = [part for part in FORMATTER.parse(template) if part[1] is not None]
    except ValueError:
        raise ValueError("has an unmatched { or }; write {{ or }} for a literal brace, "
                         f"placeholders are {offer}") from None
    for _literal, field, spec, conversion in fields:
        if field not in names:
            raise ValueError(f"has the unknown placeholder {{{field}}}; use {offer}")
        if spec or conversion:
            raise ValueError(f"formats {{{field}}} ({spec or '!' + str(conversion)}); "
                             f"write the placeholder alone, as {{{field}}}")
    if len(fields) > MAX_PLACEHOLDERS:
        raise ValueError(f"has {len(fields)} placeholders; at most {MAX_PLACEHOLDERS}")
    return template


def render(template: str, values: Mapping[str, str], limit: int = MAX_TITLE_CHARS) -> str:
    """A checked template filled in; cut with an ellipsis beyond `limit` characters."""
    text = template.format_map(values)
    return text if len(text) <= limit else text[:limit - 1] + "…"
