"""Class 9: arbitrary text in every roster cell, through validate, plan, every local
backend's render and read-back and what a person reads: never an exception, and a second
sync after a successful one changes nothing."""

from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rich.console import Console

from sync.cli.output import print_run
from sync.core.tabs.raw import RawRoster, RawTab
from sync.run.engine import Engine
from sync.run.messenger import FileTransport, Messenger
from sync.targets.calendar.ics import IcsCalendar
from sync.targets.calendar.model import EventSettings
from sync.targets.handbook.file import HandbookFile
from sync.targets.slack.file import SlackFile
from sync.targets.slack.model import GroupSettings
from tests.conftest import SAMPLE_PAGE
from tests.helpers import DictMemory, make_clock, people_rows, rotations_rows

HOSTILE = st.sampled_from(["[bold]", "[/]", "\x1b[2J", "\x00", "\x0b", "\x0c", "|", "<b>",
                           "&amp;", "`", "\r", "\n", "\u2028", "\u202e", "#REF!", "TBD",
                           "@", ",", '"', "9999-12-31", "0001-01-01", "{engineers}", "%s"])
TEXT = st.one_of(st.text(max_size=40), HOSTILE,
                 st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=3),
                           st.integers(100, 3000)),
                 st.lists(st.one_of(HOSTILE, st.text(max_size=5)), max_size=6).map("".join))


def table(rows: list[list[str]], favourite: int = 0,
          edits: int = 4) -> st.SearchStrategy[list[list[str]]]:
    """The sample tab with up to four cells (header included) replaced or extended by any
    text: often still valid, so the targets see hostile names, emails and dates too."""
    def mutate(edits: list[tuple[int, int, bool, str]]) -> list[list[str]]:
        result = [list(row) for row in rows]
        for row, column, append, text in edits:
            line = result[row % len(result)]
            line[column % len(line)] = (line[column % len(line)] + text) if append else text
        return result
    column = st.one_of(st.just(favourite), st.just(favourite), st.integers(0, 9))
    edit = st.tuples(st.integers(1, 99), column, st.booleans(), TEXT)
    return st.lists(edit, max_size=edits).map(mutate)


class Cells:
    def __init__(self, rotations: list[list[str]], people: list[list[str]]) -> None:
        self.raw = RawRoster(RawTab("Rotations", rotations), RawTab("People", people))

    def read(self) -> RawRoster:
        return self.raw

    def write_status(self, rows: list[list[str]]) -> None:
        json.dumps(rows)


def engine(folder: Path, source: Cells) -> Engine:
    page = folder / "page.md"
    if not page.exists():
        page.write_text(SAMPLE_PAGE.read_text())
    targets = {
        "calendar": IcsCalendar(folder / "r.ics", EventSettings(
            "{engineers} {handles} {start}", True, organizer="oncall@example.com"), "fuzz"),
        "slack": SlackFile(folder / "group.json", GroupSettings(
            "escalation-engineers", "keep", (), notify_changes=True)),
        "handbook": HandbookFile(page, stamp=False),
    }
    messenger = Messenger(FileTransport(folder / "messages.jsonl"), DictMemory())
    return Engine(source, targets, make_clock("2022-09-10"), messenger)  # type: ignore[arg-type]


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow,
                                                   HealthCheck.data_too_large])
@given(rotations=table(rotations_rows()[:3], edits=2), people=table(people_rows()[:4], favourite=1))
def test_any_text_in_any_cell_never_raises_and_converges(rotations: list[list[str]],
                                                         people: list[list[str]]) -> None:
    source = Cells(rotations, people)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        first = engine(folder, source).run(apply=True)
        screen = StringIO()
        print_run(Console(file=screen, width=120), first)
        json.dumps(first.as_json(), default=str)
        assert "\x1b" not in screen.getvalue()
        assert all(t.status != "failed" for t in first.targets.values()), first.targets
        event("valid" if first.roster is not None else "invalid")
        if first.roster is None:
            assert first.exit_code == 1 and not (folder / "r.ics").exists()
            return
        second = engine(folder, source).run(apply=True)
        assert {name: t.changes for name, t in second.targets.items()} == \
            {name: [] for name in second.targets}
