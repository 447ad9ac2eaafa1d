"""The HR feed (ICS) from the loopback feed server: who an event belongs to, all-day and
timed events, retries, and a feed that cannot be read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sync.sources.time_off import Unreadable
from sync.sources.time_off.feed import read_feed as read_within
from tests.helpers import people
from tests.wire.fakes.feed import FakeFeed, FeedEvent, ics_feed

PATH = "/hr/time-off.ics"


@pytest.fixture
def feed() -> Iterator[FakeFeed]:
    with FakeFeed() as server:
        yield server


def read_feed(location: str, people: object) -> list[object] | Unreadable:
    """The feed read over December 2026: its absences, or its one problem."""
    found, problems = read_within(location, people, date(2026, 11, 1),  # type: ignore[arg-type]
                                  date(2027, 1, 31))
    assert len(problems) <= 1
    return problems[0] if problems else list(found)


def days(found: object) -> list[tuple[str, str, str]]:
    assert isinstance(found, list)
    return sorted((a.person, a.first.isoformat(), a.last.isoformat()) for a in found)




def test_events_belong_by_attendee_organizer_or_leading_name(feed: FakeFeed) -> None:
    url = feed.serve(PATH, ics_feed([
        FeedEvent("Vacation", date(2026, 12, 3), date(2026, 12, 6),
                  attendees=["Bolaji@Example.com"]),
        FeedEvent("Parental leave", date(2026, 12, 10), date(2026, 12, 11),
                  organizer="valery@example.com"),
        FeedEvent("Kenji Sato - Sick day", date(2026, 12, 14), date(2026, 12, 15)),
        FeedEvent("Kenji Satoshi - not Kenji", date(2026, 12, 16), date(2026, 12, 17)),
        FeedEvent("Someone Else - PTO", date(2026, 12, 1), date(2026, 12, 2)),
        FeedEvent("Tammy Liu - PTO", date(2026, 12, 20), date(2026, 12, 21), status="CANCELLED"),
    ]))
    assert days(read_feed(url, people().values())) == [
        ("bolajiolajide", "2026-12-03", "2026-12-05"), ("kenji-sato", "2026-12-14", "2026-12-14"),
        ("valerybugakov", "2026-12-10", "2026-12-10")]


def test_all_day_spans_keep_their_dates_and_timed_ones_use_the_persons_zone(
        feed: FakeFeed) -> None:
    url = feed.serve(PATH, ics_feed([
        # Tokyo is UTC+9: 2026-12-03 20:00 UTC is already the 4th there
        FeedEvent("Kenji Sato out", datetime(2026, 12, 3, 20, 0, tzinfo=UTC),
                  datetime(2026, 12, 4, 1, 0, tzinfo=UTC)),
        FeedEvent("Tammy Liu out", date(2026, 12, 7), date(2026, 12, 8)),
    ]))
    assert days(read_feed(url, people().values())) == [
        ("kenji-sato", "2026-12-04", "2026-12-04"), ("tbliu98", "2026-12-07", "2026-12-07")]


def test_a_feed_failing_once_is_retried_and_read(feed: FakeFeed) -> None:
    url = feed.serve(PATH, ics_feed([FeedEvent("Tammy Liu out", date(2026, 12, 7),
                                               date(2026, 12, 8))]))
    feed.server_error(PATH, times=1, status=503)
    feed.drop(PATH, times=1)
    assert days(read_feed(url, people().values())) == [("tbliu98", "2026-12-07", "2026-12-07")]
    assert len(feed.fetches(PATH)) == 3


@pytest.mark.parametrize("fault", ["missing", "server_error", "garbage"])
def test_a_feed_that_cannot_be_read_is_a_warning_without_its_secret(feed: FakeFeed,
                                                                    fault: str) -> None:
    url = feed.serve(PATH, "this is not a calendar" if fault == "garbage" else ics_feed([]))
    if fault == "missing":
        feed.missing(PATH)
    elif fault == "server_error":
        feed.server_error(PATH, times=10)
    found = read_feed(url + "?token=s3cr3t", people().values())
    assert isinstance(found, Unreadable) and found.person is None
    assert url in found.text and "s3cr3t" not in found.text and "ics_url" in found.text


def test_a_feed_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "hr.ics"
    path.write_text(ics_feed([FeedEvent("Sven Larsen: PTO", date(2026, 12, 7),
                                        date(2026, 12, 9))]))
    assert days(read_feed(str(path), people().values())) == [
        ("sven-larsen", "2026-12-07", "2026-12-08")]
    assert isinstance(read_feed(str(tmp_path / "gone.ics"), people().values()), Unreadable)
