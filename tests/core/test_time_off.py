"""time-off-conflict: which days are conflicts, checked against a day-by-day model."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from sync.core.findings import Findings
from sync.core.lived.absence import Absence
from sync.core.rules.time_off import conflicts, report_conflicts
from tests.helpers import make_roster

ROTATIONS = [("2026-11-03", "2026-11-30", ["keegancsmith", "BolajiOlajide", "tbliu98"]),
             ("2026-12-01", "2026-12-28", ["valerybugakov", "kenji-sato", "sven-larsen"])]
D = date.fromisoformat


class Covered:
    """An Overrides row stand-in: these (handle, day) pairs are covered."""

    def __init__(self, days: set[tuple[str, date]]) -> None:
        self.days = days

    def covers(self, handle: str, day: date) -> bool:
        return (handle.lower(), day) in self.days


def away(person: str, first: str, last: str, source: str = "the Time off tab") -> Absence:
    return Absence(person, D(first), D(last), source)


def test_the_contract_wording_names_the_person_the_days_the_rotation_and_the_fix() -> None:
    roster = make_roster(ROTATIONS)
    found = conflicts(roster, [away("bolajiolajide", "2026-11-20", "2026-11-22")], D("2026-11-04"))
    findings = Findings()
    report_conflicts(found, "Rotations", findings)
    [finding] = findings.items
    assert (finding.severity, finding.code, finding.tab, finding.row) == \
        ("warning", "time-off-conflict", "Rotations", 2)
    assert finding.message == (
        "Rotations row 2: Bolaji Olajide is away 2026-11-20 to 2026-11-22 during the rotation "
        "2026-11-03 to 2026-11-30 and no Overrides row covers it. Add an Overrides row for "
        "those days (with a Cover, or empty if nobody stands in).")


def test_time_off_across_a_handoff_is_one_conflict_per_rotation_and_sources_merge() -> None:
    roster = make_roster([("2026-11-03", "2026-11-30", ["BolajiOlajide"]),
                          ("2026-12-01", "2026-12-28", ["BolajiOlajide"])])
    found = conflicts(roster, [away("bolajiolajide", "2026-11-29", "2026-12-02"),
                               away("bolajiolajide", "2026-12-03", "2026-12-03", "HR")],
                      D("2026-11-04"))
    assert [(c.first, c.last, c.rotation.key) for c in found] == [
        (D("2026-11-29"), D("2026-11-30"), "2026-11-03"),
        (D("2026-12-01"), D("2026-12-03"), "2026-12-01")]


def test_covered_days_split_or_remove_a_conflict_and_the_past_is_quiet() -> None:
    roster = make_roster(ROTATIONS)
    leave = [away("bolajiolajide", "2026-11-10", "2026-11-14"),
             away("keegancsmith", "2026-11-04", "2026-11-05")]
    covered = Covered({("bolajiolajide", D("2026-11-12"))})
    found = conflicts(roster, leave, D("2026-11-06"), covered)
    assert [(c.person.github, c.days) for c in found] == [
        ("BolajiOlajide", "2026-11-10 to 2026-11-11"),
        ("BolajiOlajide", "2026-11-13 to 2026-11-14")]


def test_time_off_outside_any_rotation_of_the_person_is_no_conflict() -> None:
    roster = make_roster(ROTATIONS)
    found = conflicts(roster, [away("bolajiolajide", "2026-12-05", "2026-12-09"),
                               away("priya-nair", "2026-11-10", "2026-11-10")], D("2026-11-04"))
    assert found == []


days = st.integers(min_value=0, max_value=70)


@given(st.lists(st.tuples(st.sampled_from(["bolajiolajide", "valerybugakov", "priya-nair"]),
                          days, st.integers(0, 9)), max_size=6),
       st.sets(st.tuples(st.sampled_from(["bolajiolajide", "valerybugakov"]), days)), days)
def test_conflict_days_match_a_day_by_day_model(entries: list[tuple[str, int, int]],
                                                covered: set[tuple[str, int]],
                                                today: int) -> None:
    base = D("2026-10-25")
    roster = make_roster(ROTATIONS)
    leave = [Absence(who, base + timedelta(first), base + timedelta(first + length), "x")
             for who, first, length in entries]
    cover = Covered({(who, base + timedelta(n)) for who, n in covered})
    found = conflicts(roster, leave, base + timedelta(today), cover)
    got = {(c.person.key, c.first + timedelta(n), c.rotation.key)
           for c in found for n in range((c.last - c.first).days + 1)}
    expected = set()
    for rotation in roster.rotations:
        for handle in rotation.engineers:
            key = handle.lower()
            for absence in leave:
                for day in absence.days():
                    if (absence.person == key and rotation.start <= day <= rotation.end
                            and not cover.covers(key, day) and rotation.end >= base +
                            timedelta(today)):
                        expected.add((key, day, rotation.key))
    # a run of days that ended before today is dropped whole; every other day is reported
    ended = {item for item in expected
             if not any(c.person.key == item[0] and c.first <= item[1] <= c.last for c in found)}
    assert got <= expected
    assert all(day < base + timedelta(today) for _key, day, _rot in ended)
    assert all(c.last >= base + timedelta(today) for c in found)


def test_a_conflict_already_begun_keeps_its_days_so_it_stays_unchanged() -> None:
    roster = make_roster(ROTATIONS)
    leave = [away("bolajiolajide", "2026-11-10", "2026-11-14")]
    before = conflicts(roster, leave, D("2026-11-09"))
    during = conflicts(roster, leave, D("2026-11-12"))
    assert [c.fingerprint for c in before] == [c.fingerprint for c in during]
    assert during[0].days == "2026-11-10 to 2026-11-14"
