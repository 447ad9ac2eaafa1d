"""`Roster.on_call` against a day-by-day model, and `Roster.handoffs` against `on_call`.

The model knows only the rule as managers read it: each day's handoff instant starts that
"roster day" (a handoff time a DST change skips happens an hour later), and whoever is on
the rotation holding that day is on call until the next day's handoff.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.core.lived.roster import OnCall, Override, Person, Roster, Rotation
from tests.helpers import HANDOFF, TZ, make_roster, people, with_overrides

EPOCH = date(2022, 1, 3)
HANDLES = sorted(people())
ZONES = ["UTC", "America/Los_Angeles", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"]


@st.composite
def rosters(draw: st.DrawFn) -> Roster:
    """Consecutive rotations with gaps, in any timezone, handing off at any minute."""
    rotations, start = [], EPOCH + timedelta(days=draw(st.integers(0, 30)))
    for _ in range(draw(st.integers(0, 6))):
        start += timedelta(days=draw(st.integers(0, 5)))
        length = draw(st.integers(1, 40))
        slots = tuple(draw(st.lists(st.sampled_from(HANDLES), max_size=3, unique=True)))
        rotations.append(Rotation(start=start, end=start + timedelta(days=length - 1),
                                  slots=slots))
        start += timedelta(days=length)
    handoff = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 59])))
    return Roster(rotations=tuple(rotations), people=people(),
                  timezone=draw(st.sampled_from(ZONES)), handoff_time=handoff,
                  overrides=draw(overrides_of(rotations)))


@st.composite
def overrides_of(draw: st.DrawFn, rotations: list[Rotation]) -> tuple[Override, ...]:
    """Valid Overrides rows: an engineer of a rotation away within it, covered by someone
    not on it (or nobody); one engineer's overrides never share a day."""
    found: list[Override] = []
    for rotation in rotations:
        for handle in rotation.engineers:
            day = rotation.start
            while draw(st.booleans()) and day <= rotation.end:
                start = day + timedelta(days=draw(st.integers(0, 6)))
                end = start + timedelta(days=draw(st.integers(0, 6)))
                if end > rotation.end:
                    break
                others = [h for h in HANDLES if h not in {e.lower() for e in rotation.engineers}]
                cover = draw(st.none() | st.sampled_from(others))
                found.append(Override(start=start, end=end, engineer=handle,
                                      cover=people()[cover].github if cover else None))
                day = end + timedelta(days=1)
    return tuple(sorted(found, key=lambda o: o.start))


instants = st.integers(0, 400 * 24 * 60).map(
    lambda minutes: datetime.combine(EPOCH, time(), UTC) + timedelta(minutes=minutes))


def model(roster: Roster, at: datetime) -> tuple[Rotation | None, tuple[Person, ...]]:
    """Day by day: the roster day holding `at`, then the rotation holding that day."""
    day = at.astimezone(roster.tz).date() + timedelta(days=1)
    while datetime.combine(day, roster.handoff_time, roster.tz).astimezone(UTC) > at:
        day -= timedelta(days=1)
    for rotation in roster.rotations:
        days = {rotation.start + timedelta(days=n)
                for n in range((rotation.end - rotation.start).days + 1)}
        if day in days:
            return rotation, tuple(roster.person(h) for h in lived(roster, rotation, day))
    return None, ()


def lived(roster: Roster, rotation: Rotation, day: date) -> list[str]:
    """Each engineer, or whoever an Overrides row holding `day` names instead; nobody twice."""
    handles: list[str] = []
    for handle in rotation.engineers:
        rows = [o for o in roster.overrides if o.engineer == handle
                and day in {o.start + timedelta(days=n) for n in range((o.end - o.start).days + 1)}]
        who = rows[0].cover if rows else handle
        if who is not None and who not in handles:
            handles.append(who)
    return handles


@settings(max_examples=500, deadline=None)
@given(rosters(), instants)
def test_on_call_is_the_day_by_day_answer(roster: Roster, at: datetime) -> None:
    on_call = roster.on_call(at)
    assert (on_call.rotation, on_call.people) == model(roster, at)


@settings(max_examples=100, deadline=None)
@given(rosters(), instants, instants)
def test_handoffs_are_exactly_where_the_answer_changes(roster: Roster, a: datetime,
                                                       b: datetime) -> None:
    start, end = min(a, b), max(a, b)
    moments = roster.handoffs(start, end)
    assert moments == sorted(moments) and all(start < m <= end for m in moments)
    tick = timedelta(microseconds=1)
    for moment in moments:
        assert roster.on_call(moment) != roster.on_call(moment - tick)
    edges = [start, *moments, end]
    for before, after in pairwise(edges):
        if after - before > 2 * tick:  # nothing changes strictly between two handoffs
            middle = before + (after - before) / 2
            assert roster.on_call(middle) == roster.on_call(after - tick)


def handles(on_call: OnCall) -> tuple[str, ...]:
    return tuple(person.github for person in on_call.people)


def test_the_answer_switches_at_the_handoff_time() -> None:
    roster = make_roster()
    tz = roster.tz
    before = roster.on_call(datetime(2022, 9, 7, 8, 59, tzinfo=tz))
    after = roster.on_call(datetime(2022, 9, 7, HANDOFF.hour, tzinfo=tz))
    assert handles(before) == ("keegancsmith", "BolajiOlajide")
    assert handles(after) == ("keegancsmith", "valerybugakov")
    assert roster.on_call(datetime(2022, 11, 8, 9, tzinfo=tz)).rotation is None
    assert [m.isoformat() for m in roster.handoffs(datetime(2022, 9, 1, tzinfo=tz))] == [
        "2022-09-07T09:00:00-07:00", "2022-10-10T09:00:00-07:00", "2022-11-08T09:00:00-08:00"]
    assert roster.timezone == TZ


def test_a_handoff_time_a_dst_change_skips_happens_an_hour_later() -> None:
    roster = make_roster([("2022-03-13", "2022-04-09", ["tbliu98"])]).model_copy(
        update={"handoff_time": time(2, 30)})
    [begins, ends] = roster.handoffs(datetime(2022, 3, 1, tzinfo=UTC))
    assert begins.isoformat() == "2022-03-13T03:30:00-07:00"
    assert roster.on_call(begins - timedelta(microseconds=1)).rotation is None
    assert handles(roster.on_call(begins)) == ("tbliu98",)
    assert ends.isoformat() == "2022-04-10T02:30:00-07:00"


def test_an_override_switches_at_the_handoff_on_start_and_the_day_after_end() -> None:
    roster = with_overrides(make_roster(), ("2022-09-12", "2022-09-14", "valerybugakov",
                                            "sven-larsen", ""))
    tz = roster.tz
    assert handles(roster.on_call(datetime(2022, 9, 12, 8, 59, tzinfo=tz))) == (
        "keegancsmith", "valerybugakov")
    assert handles(roster.on_call(datetime(2022, 9, 12, 9, tzinfo=tz))) == (
        "keegancsmith", "sven-larsen")
    assert handles(roster.on_call(datetime(2022, 9, 15, 8, 59, tzinfo=tz))) == (
        "keegancsmith", "sven-larsen")
    assert handles(roster.on_call(datetime(2022, 9, 15, 9, tzinfo=tz))) == (
        "keegancsmith", "valerybugakov")
    assert [m.isoformat() for m in roster.handoffs(datetime(2022, 9, 10, tzinfo=tz),
                                                   datetime(2022, 10, 1, tzinfo=tz))] == [
        "2022-09-12T09:00:00-07:00", "2022-09-15T09:00:00-07:00"]
    assert roster.override_for("ValeryBugakov", date(2022, 9, 14)) is not None
    assert roster.override_for("valerybugakov", date(2022, 9, 15)) is None
