"""Adoption never loses a row, and the first sync after it changes nothing in the page: a
property over generated pages, each row's dates written in one of the forms real pages use
(ISO, "Sep 7 – Oct 9" with the year carried from the row above, "Sep 7-Oct 9, 2022",
"7 September — 9 October 2022") and its engineers as profile links, @handles or TBD."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.core.lived.clock import Clock
from sync.core.rules.validate import validate
from sync.core.tabs.raw import RawRoster, RawTab
from sync.run.adopt import starter_roster
from sync.targets.handbook.file import HandbookFile
from sync.targets.handbook.model import cut_page
from tests.helpers import PEOPLE, people_rows

HANDLES = sorted(PEOPLE)
FORMS = ("iso", "short", "hyphen-year", "long-em", "short-year-each")


def written(start: date, end: date, form: str, first: bool) -> str:
    """One Rotation cell; a form without a year is only used below a row (year carried)."""
    if form == "iso" or (first and form == "short"):
        return f"{start} to {end}"
    if form == "short":
        return f"{start:%b} {start.day} – {end:%b} {end.day}"
    if form == "hyphen-year":
        return f"{start:%b} {start.day}-{end:%b} {end.day}, {end.year}"
    if form == "long-em":
        return f"{start.day} {start:%B} — {end.day} {end:%B} {end.year}"
    return f"{start:%b} {start.day}, {start.year} - {end:%b} {end.day}, {end.year}"


def slot(handle: str | None, style: int) -> str:
    if handle is None:
        return "TBD"
    return (f"[@{handle}](https://github.com/{handle})", f"@{handle}")[style % 2]


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, int]:
    first = date(2022, 1, 1) + timedelta(days=draw(st.integers(0, 1500)))
    count = draw(st.integers(1, 6))
    lines, start = [], first
    for index in range(count):
        end = start + timedelta(days=draw(st.integers(27, 69)))
        names = draw(st.lists(st.sampled_from(HANDLES), min_size=1, max_size=3, unique=True))
        slots = [*names, *([None] * draw(st.integers(0, 1)))]
        cells = ", ".join(slot(h, draw(st.integers(0, 1))) for h in slots)
        rotation = written(start, end, draw(st.sampled_from(FORMS)), first=index == 0)
        pad = " " * draw(st.integers(0, 3))
        lines.append(f"| {rotation}{pad} | {cells}{pad} |")
        start = end + timedelta(days=1)
    page = ("# Escalation engineer rotation\n\n## Rotations\n\n| Rotation | Engineers |\n"
            "| --- | --- |\n" + "\n".join(lines) + "\n\n## Benefits\n\nText.\n")
    return page, count


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(generated=pages())
def test_every_row_is_adopted_and_the_first_sync_changes_nothing(
        generated: tuple[str, int], tmp_path: Path) -> None:
    text, count = generated
    starter = starter_roster(cut_page(text))
    assert starter.problems == [] and len(starter.rotations) - 1 == count
    raw = RawRoster(RawTab("Rotations", [list(r) for r in starter.rotations]),
                    RawTab("People", [list(r) for r in people_rows()]))
    clock = Clock.at(ZoneInfo("UTC"), time(9), date.fromisoformat(starter.rotations[1][0]))
    roster, findings = validate(raw, clock)
    assert roster is not None, [f.message for f in findings if f.severity == "error"]
    page = tmp_path / "page.md"
    page.write_text(text)
    plan = HandbookFile(page).plan(roster, clock)
    assert plan.changes == [], [c.summary for c in plan.changes]
