"""Engineer handles as managers type them: one handle per token, checked against People.

A People row with a bad cell is reported on that row only; a rotation naming that person
counts the slot and says nothing more, so one cause is one finding. A handle that is not on
People suggests the closest handle or Name, and several handles run together with `;`, `/`
or spaces are told how to separate them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from sync.core.lived.roster import Person

GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
SEPARATORS = re.compile(r"\s*(?:[;/&+\t ]|\band\b)\s*", re.IGNORECASE)
SEPARATOR_HINT = "separate handles with commas or new lines"


@dataclass(frozen=True)
class KnownPeople:
    """The People tab's valid rows, and the handles of rows that had an error of their own
    (those are reported on People and are not unknown to a rotation)."""

    people: dict[str, Person]
    rejected: frozenset[str] = field(default_factory=frozenset)
    unreadable: bool = False  # the People tab itself has an error: no handle is unknown

    def knows(self, handle: str) -> bool:
        return self.unreadable or handle.lower() in self.people or \
            handle.lower() in self.rejected

    def reported(self, handle: str) -> bool:
        """Whether the person's own People row (or the tab) already carries the error."""
        return self.unreadable or handle.lower() in self.rejected

    def suggestion(self, typed: str) -> str | None:
        """The People handle closest to `typed`, by handle or by Name ("Sven Larsn")."""
        by_name = {person.name.lower(): person.github for person in self.people.values()}
        by_handle = {person.key: person.github for person in self.people.values()}
        for choices in (by_handle, by_name):
            close = difflib.get_close_matches(typed.lower().removeprefix("@"), choices, n=1)
            if close:
                return choices[close[0]]
        return None


def split_handles(value: str) -> list[str]:
    return [token.strip() for token in re.split(r"[,\n\r]", value) if token.strip()]


def invalid_handle_message(token: str, known: KnownPeople) -> str:
    """Why `token` is not one GitHub username, and what to write instead."""
    person = next((p for p in known.people.values() if p.name.lower() == token.lower()), None)
    if person is not None:
        return f'"{token}" is a name; write their GitHub username @{person.github}.'
    parts = [part for part in SEPARATORS.split(token) if part]
    if len(parts) > 1 and all(GITHUB_LOGIN.match(p.removeprefix("@")) for p in parts):
        return f'"{token}" holds {len(parts)} handles; {SEPARATOR_HINT}.'
    return f'"{token}" is not a valid GitHub username.' + hint(token, known)


def unknown_handle_message(handle: str, known: KnownPeople) -> str:
    close = known.suggestion(handle)
    if close is not None:
        return f"@{handle} is not on the People tab; did you mean @{close}?"
    return f"@{handle} is not on the People tab; add them there first."


def hint(token: str, known: KnownPeople) -> str:
    close = known.suggestion(token)
    return f" Did you mean @{close}?" if close else ""
