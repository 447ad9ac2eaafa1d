"""The handbook table's rows as people write them: dates in every form a page uses, handles
as profile links, `@login` or TBD. Pure.

Pages are written by hand before any tool sees them: "2022-09-07 to 2022-10-09",
"Sep 7 – Oct 9" (an en dash, the year carried from the row above), "Sep 7-Oct 9, 2022",
"7 September — 9 October 2022". Every row is read into dates and handles, or into the reason
it cannot be, so adopting a page never drops a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
    ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
    ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for name in names}
SIDE_FORMS = (
    r"(?P<{0}iso>\d{{4}}-\d{{1,2}}-\d{{1,2}})",
    r"(?P<{0}m1>[A-Za-z]{{3,9}})\.?\s+(?P<{0}d1>\d{{1,2}})(?:st|nd|rd|th)?"
    r"(?:,?\s+(?P<{0}y1>\d{{4}}))?",
    r"(?P<{0}d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<{0}m2>[A-Za-z]{{3,9}})\.?"
    r"(?:,?\s+(?P<{0}y2>\d{{4}}))?",
)
DAY_ONLY = r"(?P<{0}d3>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<{0}y3>\d{{4}}))?"
SEPARATOR = r"\s*(?:–|—|-|−|\bto\b|\bthrough\b|\buntil\b)\s*"


def one_date(side: str, day_only: bool = False) -> str:
    """A regex for one side of a range: ISO, "Sep 7[, 2022]", "7 Sep[ 2022]" (or "9")."""
    forms = [*SIDE_FORMS, DAY_ONLY] if day_only else list(SIDE_FORMS)
    return "(?:" + "|".join(form.format(side) for form in forms) + ")"


RANGE = re.compile(r"^\s*" + one_date("a") + SEPARATOR + one_date("b", day_only=True)
                   + r"\s*$", re.IGNORECASE)
LINK = re.compile(r"^\[@?(?P<text>[^\]]*)\]\(https?://github\.com/(?P<login>[^)/\s]+)/?\)$")
AT_HANDLE = re.compile(r"^@(?P<login>\S+)$")
GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")


@dataclass(frozen=True)
class Dates:
    start: date
    end: date


class Unreadable(ValueError):
    """Why a row's cell cannot be read, in words for the person who wrote the page."""


def read_ranges(cells: list[str]) -> list[Dates | Unreadable]:
    """Each Rotation cell's dates, in page order: a row without a year takes the year
    following the row above (a table crossing New Year rolls over)."""
    found: list[Dates | Unreadable] = []
    previous: date | None = None
    for cell in cells:
        try:
            dates = read_range(cell, previous)
        except Unreadable as problem:
            found.append(problem)
            continue
        found.append(dates)
        previous = dates.end
    return found


def read_range(cell: str, previous: date | None) -> Dates:
    match = RANGE.match(cell.replace("\u00a0", " "))
    if not match:
        raise Unreadable(f'the Rotation "{cell}" is not a date range such as '
                         '"2022-09-07 to 2022-10-09" or "Sep 7 – Oct 9, 2022"')
    parts = match.groupdict()
    start_year, end_year = year_of(parts, "a"), year_of(parts, "b")
    start_md, end_md = month_day(parts, "a"), month_day(parts, "b", month_day(parts, "a")[0])
    if start_year is None and end_year is not None:
        start_year = end_year - (start_md > end_md)
    if start_year is None:
        if previous is None:
            raise Unreadable(f'the Rotation "{cell}" has no year and no row above it has '
                             'one; write the year, e.g. "Sep 7 – Oct 9, 2022"')
        start_year = previous.year + (start_md < (previous.month, previous.day))
    if end_year is None:
        end_year = start_year + (end_md < start_md)
    return Dates(real_date(start_year, start_md, cell), real_date(end_year, end_md, cell))


def year_of(parts: dict[str, str | None], side: str) -> int | None:
    iso = parts[f"{side}iso"]
    if iso:
        return int(iso.split("-")[0])
    year = parts[f"{side}y1"] or parts[f"{side}y2"] or parts.get(f"{side}y3")
    return int(year) if year else None


def month_day(parts: dict[str, str | None], side: str,
              same_month: int | None = None) -> tuple[int, int]:
    """(month, day) of one side; "Sep 7 – 30" ends in the start's month."""
    iso = parts[f"{side}iso"]
    if iso:
        _, month, day = (int(piece) for piece in iso.split("-"))
        return month, day
    if parts.get(f"{side}d3"):
        assert same_month is not None
        return same_month, int(str(parts[f"{side}d3"]))
    name = str(parts[f"{side}m1"] or parts[f"{side}m2"])
    if name.lower() not in MONTHS:
        raise Unreadable(f'"{name}" is not a month name')
    return MONTHS[name.lower()], int(str(parts[f"{side}d1"] or parts[f"{side}d2"]))


def real_date(year: int, month_and_day: tuple[int, int], cell: str) -> date:
    try:
        return date(year, *month_and_day)
    except ValueError:
        raise Unreadable(f'the Rotation "{cell}" names a day that does not exist '
                         f"({year}-{month_and_day[0]:02d}-{month_and_day[1]:02d})") from None


def read_slots(cell: str) -> tuple[str | None, ...]:
    """The Engineers cell's slots (None = TBD); an empty cell is one open slot."""
    tokens = [token.strip() for token in cell.split(",") if token.strip()]
    return tuple(read_slot(token) for token in tokens) or (None,)


def read_slot(token: str) -> str | None:
    """`[@h](https://github.com/h)` and `@h` name a GitHub login; a bare word is a name
    people wrote for a person, and guessing a login from it would invite a stranger."""
    if token.upper() == "TBD":
        return None
    link = LINK.match(token)
    login = link["login"] if link else (at["login"] if (at := AT_HANDLE.match(token)) else None)
    if login is not None and GITHUB_LOGIN.match(login):
        return login
    if login is not None:
        raise Unreadable(f'"{token}" is not a GitHub login')
    raise Unreadable(f'"{token}" is a name, not a GitHub login; write the person\'s GitHub '
                     "handle as @login (or a link to their GitHub profile)")
