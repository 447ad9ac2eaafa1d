"""Ours means ours, in the shared .ics file (issue 23, point 4): components another tool
wrote are written back byte for byte by every sync, whatever their folding, line ends,
property order or time zones; only our own events are rendered anew."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sync.core.ics_text import pieces
from tests.conftest import Workspace
from tests.helpers import rotations_rows, to_csv

HEAD = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other Tool//Team calendar//EN\r\n"
        "X-WR-CALNAME:Team\r\n")
# As another tool writes them: a VTIMEZONE, an event folded at an odd place with lower-case
# parameter values and a property icalendar would re-order, an LF-only event, a VTODO.
ZONE = ("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
        "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
TEAM_DAY = ("BEGIN:VEVENT\r\nUID:offsite-1@other.example\r\nSUMMARY:Team off\r\n site, bring "
            "boots\r\nDTSTART;TZID=Europe/Berlin:20220915T100000\r\nDURATION:PT2H\r\n"
            "ATTENDEE;cn=Ana;rsvp=true:mailto:ana@example.com\r\nX-OTHER-TOOL:kept as is ;,\r\n"
            "DTSTAMP:20220801T000000Z\r\nEND:VEVENT\r\n")
LF_EVENT = ("BEGIN:VEVENT\nUID:lf@other.example\nDTSTART;VALUE=DATE:20220920\n"
            "SUMMARY:Written with LF only\nDTSTAMP:20220801T000000Z\nEND:VEVENT\n")
TODO = ("BEGIN:VTODO\r\nUID:todo@other.example\r\nSUMMARY:Order the cake\r\n"
        "DTSTAMP:20220801T000000Z\r\nEND:VTODO\r\n")
FOREIGN = (ZONE, TEAM_DAY, LF_EVENT, TODO)


def ics(workspace: Workspace) -> str:
    return (workspace.folder / "out" / "rotations.ics").read_bytes().decode()


def test_components_we_do_not_own_are_written_back_byte_for_byte(workspace: Workspace
                                                                  ) -> None:
    path = workspace.folder / "out" / "rotations.ics"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((HEAD + "".join(FOREIGN) + "END:VCALENDAR\r\n").encode())
    assert workspace.run("sync", "--today", "2022-09-10").exit_code == 0
    first = ics(workspace)
    assert first.startswith(HEAD + "".join(FOREIGN)), "the head and every foreign piece"
    assert first.count("X-ROTATION-SYNC-NAMESPACE") == 3 and first.endswith("END:VCALENDAR\r\n")
    rows = rotations_rows()
    rows[2][2] = "keegancsmith, sven-larsen"
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rows))
    assert workspace.run("sync", "--today", "2022-09-10").exit_code == 0
    second = ics(workspace)
    assert second.startswith(HEAD + "".join(FOREIGN)) and "Sven Larsen" in second
    ours = [part for part in first.split("BEGIN:VEVENT") if "rotation-sync" in part]
    untouched = [part for part in ours if "20220810" in part]
    assert untouched and all(part in second for part in untouched), \
        "our events that did not change keep their bytes too"


@given(st.lists(st.sampled_from(["BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VEVENT",
                                 "END:VEVENT", "BEGIN:VALARM", "END:VALARM", "UID:1",
                                 " folded", "", "X:é"]), max_size=30),
       st.sampled_from(["\r\n", "\n", "\r"]))
def test_the_pieces_of_any_text_join_back_to_it(lines: list[str], end: str) -> None:
    text = end.join(lines)
    assert "".join(piece.text for piece in pieces(text)) == text
