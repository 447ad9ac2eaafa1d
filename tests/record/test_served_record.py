"""The served-time record: days as lived, kept in the state store, never rewritten by a roster
edit (`past-edited` says so), re-recorded only by `ledger --accept-edits`; the ledger's
totals equal a day-by-day model of the roster as lived, over a year of nightly syncs that
sometimes miss a night."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.core.lived.roster import Override, Roster, Rotation
from sync.core.record.days import lived_days
from sync.core.record.ledger import ledger
from sync.run.record import ServedRecord
from sync.run.state import StateStore
from tests.helpers import HANDOFF, PEOPLE, TZ, people

HANDLES = sorted(PEOPLE)
EPOCH = date(2026, 1, 5)


def roster(rotations: list[tuple[date, date, tuple[str, ...]]],
           overrides: tuple[Override, ...] = ()) -> Roster:
    return Roster(rotations=tuple(Rotation(start=s, end=e, slots=slots, row=row)
                                  for row, (s, e, slots) in enumerate(rotations, start=2)),
                  people=people(), timezone=TZ, handoff_time=HANDOFF, overrides=overrides)


def night(r: Roster, day: date) -> datetime:
    """A nightly sync a little after the handoff of `day`."""
    return r.handoff_on(day) + timedelta(hours=1)


SAMPLE = roster([(EPOCH, EPOCH + timedelta(days=27), ("tbliu98", "kenji-sato")),
                 (EPOCH + timedelta(days=28), EPOCH + timedelta(days=55),
                  ("sven-larsen", "priya-nair"))],
                (Override(start=EPOCH + timedelta(days=2), end=EPOCH + timedelta(days=3),
                          engineer="kenji-sato", cover="sven-larsen", row=2),))


def test_days_as_lived_name_the_cover_and_who_was_away() -> None:
    days = lived_days(SAMPLE, EPOCH + timedelta(days=2), EPOCH + timedelta(days=2))
    assert {(d.handle, d.role) for d in days} == {
        ("tbliu98", "rotation"), ("sven-larsen", "cover"), ("kenji-sato", "away")}


def test_first_sync_backfills_then_nights_record_and_an_edit_is_kept(tmp_path: Path) -> None:
    record = ServedRecord(StateStore(tmp_path))
    assert record.record(SAMPLE, night(SAMPLE, EPOCH + timedelta(days=10))) == []
    assert {d.origin for d in record.days()} == {"from roster"}
    record.record(SAMPLE, night(SAMPLE, EPOCH + timedelta(days=13)))  # two nights missed
    assert record.covered() == (EPOCH, EPOCH + timedelta(days=12))
    assert {d.origin for d in record.days(EPOCH + timedelta(days=10))} == {"recorded"}
    edited = roster([(EPOCH, EPOCH + timedelta(days=27), ("tbliu98", "valerybugakov")),
                     (EPOCH + timedelta(days=28), EPOCH + timedelta(days=55),
                      ("sven-larsen", "priya-nair"))])
    warning, covered, rest = record.record(edited, night(edited, EPOCH + timedelta(days=14)))
    assert (warning.code, warning.tab, warning.row) == ("past-edited", "Rotations", 2)
    assert warning.message == (
        "Rotations row 2 changes who served 2026-01-05 to 2026-01-06, recorded as "
        "@kenji-sato, @tbliu98; the record keeps what was served.")
    assert "2026-01-07 to 2026-01-08, recorded as @sven-larsen, @tbliu98" in covered.message
    assert "2026-01-09 to 2026-01-17" in rest.message
    later = record.record(edited, night(edited, EPOCH + timedelta(days=15)))
    assert later == [warning, covered, rest], "said again each sync until accepted"
    assert {d.entry.handle for d in record.days(EPOCH + timedelta(days=13))
            if d.entry.day == EPOCH + timedelta(days=13)} == {"tbliu98", "valerybugakov"}
    kept = [d for d in record.days(EPOCH, EPOCH) if d.entry.served]
    assert {d.entry.handle for d in kept} == {"tbliu98", "kenji-sato"}
    assert record.accept(edited, EPOCH, EPOCH + timedelta(days=40)) == \
        (EPOCH, EPOCH + timedelta(days=14))
    assert record.record(edited, night(edited, EPOCH + timedelta(days=16))) == []


def test_an_override_edit_names_the_overrides_row(tmp_path: Path) -> None:
    record = ServedRecord(StateStore(tmp_path))
    record.record(roster(SAMPLE_ROTATIONS), night(SAMPLE, EPOCH + timedelta(days=10)))
    [warning] = record.record(SAMPLE, night(SAMPLE, EPOCH + timedelta(days=10)))
    assert (warning.tab, warning.row, warning.column) == ("Overrides", 2, "Cover")
    assert "2026-01-07 to 2026-01-08, recorded as @kenji-sato, @tbliu98" in warning.message


SAMPLE_ROTATIONS = [(r.start, r.end, r.engineers) for r in SAMPLE.rotations]


# -- a year of nightly syncs against the day-by-day model --------------------------------
@st.composite
def rosters(draw: st.DrawFn) -> Roster:
    rotations, overrides, start = [], [], EPOCH
    while start < EPOCH + timedelta(days=380):
        end = start + timedelta(days=draw(st.integers(3, 40)))
        team = tuple(draw(st.lists(st.sampled_from(HANDLES), min_size=1, max_size=3,
                                   unique=True)))
        rotations.append((start, end, team))
        if draw(st.booleans()):
            first = start + timedelta(days=draw(st.integers(0, (end - start).days)))
            last = min(end, first + timedelta(days=draw(st.integers(0, 6))))
            cover = draw(st.none() | st.sampled_from([h for h in HANDLES if h not in team]))
            overrides.append(Override(start=first, end=last, engineer=draw(st.sampled_from(team)),
                                      cover=cover, row=len(overrides) + 2))
        start = end + timedelta(days=draw(st.integers(1, 4)))
    return roster(rotations, tuple(sorted(overrides, key=lambda o: o.start)))


def model(r: Roster, last: date) -> dict[str, tuple[int, int, int, int, int]]:
    """Per person (days, cover days, days away with cover, weekend days, rotations), asking
    `on_call` at every day's handoff: the definition of "as lived"."""
    totals: dict[str, list[int]] = {h.lower(): [0, 0, 0, 0, 0] for h in HANDLES}
    served_rotations: dict[str, set[date]] = {h.lower(): set() for h in HANDLES}
    day = EPOCH
    while day <= last:
        on = r.on_call(r.handoff_on(day))
        if on.rotation is not None:
            planned = {h.lower() for h in on.rotation.engineers}
            for p in on.people:
                counts = totals[p.key]
                counts[0] += 1
                counts[1] += p.key not in planned
                counts[3] += day.weekday() >= 5
                if p.key in planned:
                    served_rotations[p.key].add(on.rotation.start)
            for key in planned - {p.key for p in on.people}:
                override = r.override_for(key, day)
                totals[key][2] += override is not None and override.cover is not None
        day += timedelta(days=1)
    return {k: (v[0], v[1], v[2], v[3], len(served_rotations[k])) for k, v in totals.items()}


@settings(max_examples=5)
@given(rosters(), st.lists(st.booleans(), min_size=366, max_size=366))
def test_a_year_of_nightly_syncs_totals_equal_the_roster_as_lived(r: Roster,
                                                                  ran: list[bool]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        record = ServedRecord(StateStore(Path(folder)))
        for offset, runs in enumerate(ran):
            if runs or offset == len(ran) - 1:  # a night skipped records its days next run
                assert record.record(r, night(r, EPOCH + timedelta(days=offset))) == []
        lines = ledger(record.days(), r.people)
    expected = model(r, EPOCH + timedelta(days=len(ran) - 2))
    assert {line.handle.lower(): (line.days, line.cover_days, line.away_days,
                                  line.weekend_days, line.rotations) for line in lines} == expected
