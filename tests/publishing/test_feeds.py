"""Per-person feeds as lived and all.ics, rendered (pure): stretches with days away cut out
and covers added, stable UIDs and SEQUENCE, the refresh hints, the handoff in the person's
own timezone, and strict ICS that two independent parsers read alike."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime, timedelta

import icalendar

from sync.core.publish.feeds import feed_token, person_feeds, render_feed
from sync.core.publish.ical import events_by_uid
from sync.core.publish.stretches import stretches
from tests.publishing.world import KENJI_AWAY, NOW, VALERY_AWAY, both_parsers, roster, strict

STAMP = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
LATER = STAMP + timedelta(days=1)


def spans(handle: str, lived: object = None) -> list[tuple[str, str]]:
    found = stretches(lived or roster(), date(2026, 1, 1), date(2027, 12, 31))
    return [(str(s.first), str(s.last)) for s in found.get(handle, [])]


def test_days_away_are_cut_out_and_cover_days_added() -> None:
    assert spans("valerybugakov") == [("2026-11-23", "2026-11-30"), ("2026-12-04", "2026-12-20"),
                                      ("2026-12-21", "2027-01-17")], \
        "away 12-01 to 12-03; the next rotation is a stretch of its own"
    assert spans("keegancsmith") == [("2026-12-01", "2026-12-03")], "covering for Valery"
    assert spans("kenji-sato") == [("2026-11-23", "2026-12-09"), ("2026-12-13", "2026-12-20"),
                                   ("2027-02-01", "2027-02-28")], "away with no cover"
    assert spans("bolajiolajide") == []


def test_a_window_picks_whole_stretches() -> None:
    found = stretches(roster(), date(2026, 12, 15), date(2026, 12, 15))
    assert {k: [(str(s.first), str(s.last)) for s in v] for k, v in found.items()} == {
        "valerybugakov": [("2026-12-04", "2026-12-20")],
        "kenji-sato": [("2026-12-13", "2026-12-20")], "tbliu98": [("2026-11-23", "2026-12-20")]}


def test_the_token_is_the_first_32_hex_digits_of_hmac_sha256_of_the_lowercase_handle() -> None:
    expected = hmac.new(b"k3y", b"bolajiolajide", hashlib.sha256).hexdigest()[:32]
    assert feed_token("k3y", "BolajiOlajide") == expected == feed_token("k3y", "bolajiolajide")
    assert feed_token("other", "BolajiOlajide") != expected, "a new secret, new links"


def feed(handle: str, lived: object = None, previous: str | None = None,
         stamp: datetime = STAMP) -> str:
    events = person_feeds(lived or roster(), NOW, 364)[handle]
    return render_feed(f"Rotation: {handle}", events, events_by_uid(previous), stamp)


def test_a_feed_is_strict_ics_with_refresh_hints_and_free_time() -> None:
    text = feed("valerybugakov")
    strict(text)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in text
    assert "X-PUBLISHED-TTL:PT6H\r\n" in text
    events = both_parsers(text)
    assert [(e["start"], e["end"]) for e in events] == [
        (date(2026, 11, 23), date(2026, 12, 1)), (date(2026, 12, 4), date(2026, 12, 21)),
        (date(2026, 12, 21), date(2027, 1, 18))], "all-day, DTEND exclusive"
    assert {e["transp"] for e in events} == {"TRANSPARENT"}
    assert len({e["uid"] for e in events}) == 3


def test_the_description_names_the_others_and_the_handoff_in_the_persons_timezone() -> None:
    second = both_parsers(feed("valerybugakov"))[1]
    assert "starts Fri 2026-12-04 18:00 Europe/Berlin (09:00 America/Los_Angeles)" in \
        second["description"]
    assert "ends Mon 2026-12-21 18:00 Europe/Berlin" in second["description"]
    assert "With Kenji Sato (@kenji-sato), Tammy Liu (@tbliu98)." in second["description"]
    tammy = both_parsers(feed("tbliu98"))[0]["description"]
    assert "starts Mon 2026-11-23 09:00 America/Los_Angeles and" in tammy, \
        "the configured timezone is not said twice"


def test_a_cover_stretch_says_whom_it_covers() -> None:
    (cover,) = both_parsers(feed("keegancsmith"))
    assert cover["summary"] == "Escalation engineer rotation: covering Valery Bugakov"
    assert "Covering for Valery Bugakov (@valerybugakov)." in cover["description"]


def test_someone_with_no_shift_gets_a_valid_calendar_with_no_event() -> None:
    text = feed("bolajiolajide")
    assert both_parsers(text) == []
    assert icalendar.Calendar.from_ical(text)["X-WR-CALNAME"] == "Rotation: bolajiolajide"


def test_sequence_grows_when_the_dates_change_and_nothing_else_moves() -> None:
    first = feed("valerybugakov")
    assert feed("valerybugakov", previous=first, stamp=LATER) == first, \
        "the same roster: the same bytes, DTSTAMP kept"
    longer = VALERY_AWAY.model_copy(update={"end": date(2026, 12, 5)})
    moved = feed("valerybugakov", roster(longer, KENJI_AWAY), previous=first, stamp=LATER)
    before, after = both_parsers(first), both_parsers(moved)
    assert [e["uid"] for e in before] == [e["uid"] for e in after], "stable UIDs"
    assert [e["sequence"] for e in after] == [0, 1, 0]
    assert after[1]["start"] == date(2026, 12, 6)
    stamps = {str(e["UID"]): e["DTSTAMP"].dt for e in
              icalendar.Calendar.from_ical(moved).walk("VEVENT")}
    assert sorted(stamps.values()) == [STAMP, STAMP, LATER]
    again = feed("valerybugakov", roster(VALERY_AWAY, KENJI_AWAY), previous=moved, stamp=LATER)
    assert [e["sequence"] for e in both_parsers(again)] == [0, 2, 0], "moved back: grows again"


def test_the_window_runs_from_90_days_back_to_the_horizon() -> None:
    rows = [("2026-08-01", "2026-09-06", ["tbliu98"]), ("2026-09-07", "2026-10-04", ["tbliu98"]),
            ("2027-11-29", "2027-12-26", ["tbliu98"]), ("2027-12-27", "2028-01-23", ["tbliu98"])]
    lived = roster(rotations=rows).model_copy(update={"overrides": ()})
    events = person_feeds(lived, NOW, 364)["tbliu98"]
    assert [str(e.start) for e in events] == ["2026-09-07", "2027-11-29"], \
        "ended 90 days before 2026-12-07 or starting after 2027-12-06: not shown"
