"""`[handbook] stamp = true`: a "Last synced" line under the table, changed only with it."""

from __future__ import annotations

from pathlib import Path

from sync.targets.handbook.file import HandbookFile
from tests.conftest import SAMPLE_PAGE
from tests.helpers import make_clock, make_roster
from tests.targets.contract import ROSTER_A, ROSTER_B, sync


def page_after(tmp_path: Path, stamp: bool = True) -> tuple[HandbookFile, Path]:
    path = tmp_path / "page.md"
    path.write_text(SAMPLE_PAGE.read_text())
    return HandbookFile(path, stamp=stamp), path


def test_the_stamp_is_added_under_the_table(tmp_path: Path) -> None:
    target, path = page_after(tmp_path)
    sync(target, make_roster(ROSTER_A), "2022-09-10")
    text = path.read_text()
    table_end = text.index("| 2022-10-10 to 2022-11-07")
    assert "\n\nLast synced from the roster on 2022-09-10.\n\n## Benefits" in text[table_end:]
    assert HandbookFile(path, stamp=True).plan(make_roster(ROSTER_A),
                                               make_clock("2022-09-11")).changes == []


def test_the_stamp_changes_only_with_the_table(tmp_path: Path) -> None:
    target, path = page_after(tmp_path)
    sync(target, make_roster(ROSTER_A), "2022-09-10")
    unchanged = path.read_bytes()
    sync(HandbookFile(path, stamp=True), make_roster(ROSTER_A), "2022-09-20")
    assert path.read_bytes() == unchanged
    sync(HandbookFile(path, stamp=True), make_roster(ROSTER_B), "2022-09-21")
    text = path.read_text()
    assert "Last synced from the roster on 2022-09-21." in text
    assert text.count("Last synced from the roster") == 1
    assert text.endswith(SAMPLE_PAGE.read_text().split("## Benefits")[1])


def test_without_stamp_an_existing_line_is_left_alone(tmp_path: Path) -> None:
    target, path = page_after(tmp_path)
    sync(target, make_roster(ROSTER_A), "2022-09-10")
    sync(HandbookFile(path, stamp=False), make_roster(ROSTER_B), "2022-09-21")
    assert "Last synced from the roster on 2022-09-10." in path.read_text()
