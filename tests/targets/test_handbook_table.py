"""The Rotations table: rendered as the sample page has it, spliced without touching a byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.errors import TargetError
from sync.targets.handbook.model import (
    BEGIN_MARKER,
    END_MARKER,
    cut_page,
    desired_rows,
    parse_rows,
    render_table,
    splice,
)
from tests.helpers import make_roster

SAMPLE = Path(__file__).parent.parent / "data" / "escalation-engineer-rotation.md"


def sample() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def test_the_seed_rotations_render_to_the_sample_pages_table_content() -> None:
    rendered = list(desired_rows(make_roster()).values())
    assert rendered == list(parse_rows(cut_page(sample()).table).values())


def test_render_pads_cells_like_prettier() -> None:
    table = render_table(list(desired_rows(make_roster()).values()))
    lines = table.splitlines()
    assert lines[0].startswith("| Rotation                 | Engineers ")
    assert lines[1].startswith("| ------------------------ | -----")
    assert len({len(line) for line in lines}) == 1, "every row padded to the same width"
    assert lines[4] == ("| 2022-10-10 to 2022-11-07 | [@tbliu98](https://github.com/tbliu98), "
                        "TBD, TBD" + " " * 52 + " |")


def test_render_counts_wide_characters_twice() -> None:
    from sync.targets.handbook.model import RowState

    table = render_table([RowState("漢字", "x")])
    assert table.splitlines()[0] == "| Rotation | Engineers |"
    assert table.splitlines()[2] == "| 漢字     | x         |"


def test_splice_keeps_every_byte_outside_the_table() -> None:
    page = sample()
    rows = list(desired_rows(make_roster([("2022-11-08", "2022-12-05", ["tbliu98"])])).values())
    spliced = splice(page, rows)
    before, after = page.split("| Rotation ")[0], page.split("| TBD, TBD")[0]
    assert spliced.startswith(before)
    assert spliced.endswith(page[page.index("\n## Benefits") - 1:])
    assert "2022-11-08 to 2022-12-05" in spliced
    assert after not in spliced


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@pytest.mark.parametrize("final_newline", [True, False])
def test_line_endings_and_final_newline_survive(newline: str, final_newline: bool) -> None:
    page = "# T\n\n## Rotations\n\n| Rotation | Engineers |\n| --- | --- |\n| a | b |\n"
    page = page.replace("\n", newline)
    page = page if final_newline else page.removesuffix(newline)
    rows = list(desired_rows(make_roster()).values())
    spliced = splice(page, rows)
    assert spliced.startswith("# T" + newline + newline + "## Rotations" + newline + newline)
    assert spliced.count("\r\n") == (spliced.count("\n") if newline == "\r\n" else 0)
    assert spliced.endswith(newline)  # the table's last line always ends its line


def test_markers_take_precedence() -> None:
    page = (f"# T\n\n## Rotations\n\nOld notes.\n\n| x | y |\n| - | - |\n\n"
            f"## Current\n{BEGIN_MARKER}\n{END_MARKER}\ntail\n")
    spliced = splice(page, list(desired_rows(make_roster()).values()))
    assert "| x | y |" in spliced, "the unmarked table is left alone"
    between = spliced.split(BEGIN_MARKER + "\n")[1].split(END_MARKER)[0]
    assert between.startswith("| Rotation")
    assert spliced.endswith(f"{END_MARKER}\ntail\n")


def test_a_page_without_a_table_is_an_error() -> None:
    with pytest.raises(TargetError, match="no table under a '## Rotations' heading"):
        splice("# T\n\n## Rotations\n\nNothing here yet.\n", [])
    with pytest.raises(TargetError):
        splice("# T\n\n| Rotation | Engineers |\n| --- | --- |\n", [])


def test_rows_a_human_mangled_are_keyed_by_their_text() -> None:
    rows = parse_rows("| Rotation | Engineers |\n| --- | --- |\n| soon | @x |\n")
    assert list(rows) == ["row 'soon'"]
