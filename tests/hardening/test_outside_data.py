"""Outside data is untrusted (issue 23, point 1): the HR feed is read one event at a time and
fetched within a deadline, a size limit counted after decompression, same-host redirects
and a scheme judged on the parsed URL; recurrence and DURATION are read as calendars mean
them. Each repro here failed before."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.clients.fetch import FetchLimits
from sync.config.model import parse_config
from sync.core.lived.absence import Absence
from sync.errors import ConfigError
from sync.run.time_off import time_off_check
from sync.sources.time_off.feed import read_feed
from tests.conftest import Workspace
from tests.helpers import CEILING, PEOPLE, make_roster, people
from tests.wire.fakes.feed import FakeFeed, FeedEvent, ics_feed

DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))
GOOD = FeedEvent("Tammy Liu out", date(2026, 12, 7), date(2026, 12, 8))
BROKEN = ("BEGIN:VEVENT\r\nUID:broken@hr\r\nDTSTART:2026-13-45\r\n"
          "SUMMARY:Kenji Sato - private reason\r\nEND:VEVENT\r\n")


@pytest.fixture
def feed() -> Iterator[FakeFeed]:
    with FakeFeed() as server:
        yield server


def read(url: str, limits: FetchLimits | None = None) -> tuple[list[tuple[str, str, str]],
                                                               list[str]]:
    found, problems = read_feed(url, people().values(), *DECEMBER, limits)
    return (sorted((a.person, a.first.isoformat(), a.last.isoformat()) for a in found),
            [p.text for p in problems])


def with_event(text: str, extra: str) -> str:
    """A feed with `extra` (raw VEVENT text) inserted before END:VCALENDAR."""
    return text.replace("END:VCALENDAR\r\n", extra + "END:VCALENDAR\r\n")


# -- one bad item is one warning ---------------------------------------------------------
@pytest.mark.parametrize("bad", [
    BROKEN,
    BROKEN.replace("DTSTART:2026-13-45", "DTSTART;VALUE=DATE:20261201\r\nRRULE:FREQ=SOMETIMES"),
    BROKEN.replace("DTSTART:2026-13-45", "DTSTART;VALUE=DATE:20261201\r\nDURATION:banana"),
    "BEGIN:VEVENT\r\nUID:cut@hr\r\nDTSTART;VALUE=DATE:20261201\r\n",  # never ended
])
def test_a_malformed_event_is_one_warning_and_the_rest_is_used(feed: FakeFeed, bad: str
                                                                ) -> None:
    text = ics_feed([GOOD, FeedEvent("Kenji Sato out", date(2026, 12, 14),
                                     date(2026, 12, 15))])
    head, tail = text.split("BEGIN:VEVENT", 1)
    url = feed.serve("/hr.ics", head + bad + "BEGIN:VEVENT" + tail)
    days, problems = read(url + "?token=s3cret")
    assert days == [("kenji-sato", "2026-12-14", "2026-12-14"),
                    ("tbliu98", "2026-12-07", "2026-12-07")]
    [problem] = problems
    assert "The HR feed http://127.0.0.1" in problem and "the event at line 7" in problem
    assert "skipped" in problem
    assert "s3cret" not in problem and "private reason" not in problem


def test_a_run_with_a_malformed_event_succeeds_with_one_warning(workspace: Workspace,
                                                                 feed: FakeFeed) -> None:
    text = ics_feed([FeedEvent("Keegan Carruthers-Smith - Vacation", date(2022, 9, 12),
                               date(2022, 9, 14))])
    url = feed.serve("/hr.ics", with_event(text, BROKEN.replace("2026-13-45", "20220931")))
    workspace.config.write_text(workspace.config.read_text()
                                + f'\n[time_off]\nics_url = "{url}"\n')
    code, document = workspace.run_json("sync", "--today", "2022-09-10")
    assert code == 0
    codes = [f["code"] for f in document["findings"]]
    assert codes.count("time-off-unreadable") == 1 and codes.count("time-off-conflict") == 1
    assert all(t["status"] == "ok" for t in document["targets"].values())


# -- the fetch's limits ------------------------------------------------------------------
def test_a_trickling_server_is_cut_at_the_deadline(feed: FakeFeed) -> None:
    url = feed.trickle("/slow.ics", ics_feed([GOOD] * 200))  # minutes at a byte per 50 ms
    began = time.monotonic()
    days, [problem] = read(url, FetchLimits(deadline=1.0))
    assert time.monotonic() - began < CEILING / 4
    assert days == [] and "deadline" in problem
    assert len(feed.fetches("/slow.ics")) == 1, "a broken limit is not retried"


def test_ics_redirect_hosts_lets_the_run_follow_a_named_host(feed: FakeFeed,
                                                            tmp_path: Path) -> None:
    """[time_off] ics_redirect_hosts reaches the fetch the run makes (not only the reader)."""
    feed.serve("/real.ics", ics_feed([GOOD]))
    url = feed.redirect("/moved.ics", feed.url("/real.ics").replace("127.0.0.1", "localhost"))
    base = {"source": {"kind": "csv", "rotations": "r.csv", "people": "p.csv"}}
    found: dict[bool, list[Absence]] = {}
    for named in (False, True):
        section = {"ics_url": url, "ics_redirect_hosts": ["localhost"] if named else []}
        check = time_off_check(parse_config({**base, "time_off": section}, tmp_path))
        assert check is not None
        found[named] = []
        check.feed_between(make_roster(), *DECEMBER, found[named])
    assert found[False] == []
    assert [(a.person, a.first) for a in found[True]] == [("tbliu98", date(2026, 12, 7))]


def test_the_deadline_is_a_setting_with_bounds(tmp_path: Path) -> None:
    base = {"source": {"kind": "csv", "rotations": "r.csv", "people": "p.csv"}}
    config = parse_config({**base, "time_off": {"ics_url": "https://hr.example.com/t.ics",
                                                "ics_deadline": "3s"}}, tmp_path)
    assert config.time_off is not None and config.time_off.deadline_seconds == 3
    with pytest.raises(ConfigError, match=r"time_off.ics_deadline.*from 1s to 10m"):
        parse_config({**base, "time_off": {"ics_deadline": "2h"}}, tmp_path)


def test_a_gzip_bomb_is_refused_by_its_inflated_size(feed: FakeFeed) -> None:
    bomb = ics_feed([GOOD]).replace("END:VCALENDAR", "X-PAD:" + "A" * 30_000_000
                                    + "\r\nEND:VCALENDAR")
    url = feed.serve("/bomb.ics", bomb, gzip=True)
    assert len(feed.documents["/bomb.ics"].body) < 1_000_000, "small on the wire"
    days, [problem] = read(url)
    assert days == [] and "larger than 20 MB" in problem


def test_a_gzip_feed_within_the_limit_is_read(feed: FakeFeed) -> None:
    url = feed.serve("/small.ics", ics_feed([GOOD]), gzip=True)
    assert read(url) == ([("tbliu98", "2026-12-07", "2026-12-07")], [])


def test_redirects_are_followed_on_the_same_host_three_times_at_most(feed: FakeFeed) -> None:
    feed.serve("/real.ics", ics_feed([GOOD]))
    hops = ["/a", "/b", "/c", "/d"]
    for here, there in zip(hops, [*hops[1:], "/real.ics"], strict=True):
        feed.redirect(here, there)
    assert read(feed.url("/b"))[0] == [("tbliu98", "2026-12-07", "2026-12-07")]  # 3 hops
    days, [problem] = read(feed.url("/a"))  # 4 hops
    assert days == [] and "more than 3 redirects" in problem


def test_a_redirect_to_another_host_is_refused_unless_named(feed: FakeFeed) -> None:
    feed.serve("/real.ics", ics_feed([GOOD]))
    elsewhere = feed.url("/real.ics").replace("127.0.0.1", "localhost")
    url = feed.redirect("/moved.ics", elsewhere)
    days, [problem] = read(url)
    assert days == [] and "another host (localhost)" in problem
    assert [r.path for r in feed.fetches()] == ["/moved.ics"]
    allowed = FetchLimits(redirect_hosts=frozenset({"localhost"}))
    assert read(url, allowed)[0] == [("tbliu98", "2026-12-07", "2026-12-07")]


@pytest.mark.parametrize("url", ["http://127.0.0.1.evil.example/t.ics",
                                 "http://localhost@evil.example/t.ics",
                                 "http://localhost.evil.example/t.ics",
                                 "ftp://127.0.0.1/t.ics", "file:///etc/passwd",
                                 "https:///no-host.ics", "http://[::1"])
def test_the_scheme_is_judged_on_the_parsed_url(tmp_path: Path, url: str) -> None:
    base = {"source": {"kind": "csv", "rotations": "r.csv", "people": "p.csv"}}
    with pytest.raises(ConfigError, match=r"time_off\.ics_url"):
        parse_config({**base, "time_off": {"ics_url": url}}, tmp_path)


@pytest.mark.parametrize("url", ["https://hr.example.com/t.ics", "http://[::1]:8080/t.ics",
                                 "http://localhost:9/t.ics", "http://127.0.0.2/t.ics"])
def test_https_and_loopback_http_are_accepted(tmp_path: Path, url: str) -> None:
    base = {"source": {"kind": "csv", "rotations": "r.csv", "people": "p.csv"}}
    config = parse_config({**base, "time_off": {"ics_url": url}}, tmp_path)
    assert config.time_off is not None and config.time_off.ics_url == url


def test_a_redirect_to_a_plain_http_host_is_refused(feed: FakeFeed) -> None:
    url = feed.redirect("/downgrade.ics", "http://127.0.0.1.evil.example/t.ics")
    _days, [problem] = read(url, FetchLimits(redirect_hosts=frozenset(
        {"127.0.0.1.evil.example"})))
    assert "only https://" in problem


# -- DURATION, RRULE with EXDATE, all-day and timed, generated ---------------------------
HANDLES = sorted(h.lower() for h in PEOPLE)
EMAIL = {h.lower(): email for h, (_n, email, _tz) in PEOPLE.items()}
ZONE = {h.lower(): tz for h, (_n, _e, tz) in PEOPLE.items()}


@st.composite
def feed_events(draw: st.DrawFn) -> dict[str, object]:
    all_day = draw(st.booleans())
    if all_day:
        start: date | datetime = date(2026, 11, 20) + timedelta(days=draw(st.integers(0, 40)))
        length = timedelta(days=draw(st.integers(1, 4)))
    else:
        start = datetime(2026, 11, 20, tzinfo=ZoneInfo("UTC")) + timedelta(
            minutes=15 * draw(st.integers(0, 40 * 96)))
        length = timedelta(minutes=15 * draw(st.integers(1, 200)))
    count = draw(st.integers(1, 6))
    step = timedelta(days=draw(st.sampled_from([1, 7])))
    excluded = draw(st.sets(st.integers(1, count - 1), max_size=count - 1)) if count > 1 \
        else set()
    return {"who": draw(st.sampled_from(HANDLES)), "start": start, "length": length,
            "count": count, "step": step, "exdates": excluded, "all_day": all_day,
            "duration": draw(st.booleans())}


def stamp(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return f":{value.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}"
    return f";VALUE=DATE:{value:%Y%m%d}"


def vevent(n: int, event: dict[str, object]) -> str:
    start, length = event["start"], event["length"]
    assert isinstance(start, date) and isinstance(length, timedelta)
    lines = ["BEGIN:VEVENT", f"UID:gen-{n}@hr", "DTSTAMP:20261101T000000Z",
             f"DTSTART{stamp(start)}", f"ATTENDEE:mailto:{EMAIL[str(event['who'])]}",
             "SUMMARY:Away"]
    if event["duration"]:
        days, seconds = length.days, length.seconds
        minutes = seconds // 60 + days * 1440
        lines.append(f"DURATION:P{days}D" if event["all_day"] else f"DURATION:PT{minutes}M")
    else:
        lines.append(f"DTEND{stamp(start + length)}")
    count, step = event["count"], event["step"]
    assert isinstance(count, int) and isinstance(step, timedelta)
    if count > 1:
        lines.append(f"RRULE:FREQ={'DAILY' if step.days == 1 else 'WEEKLY'};COUNT={count}")
    for k in sorted(event["exdates"]):  # type: ignore[attr-defined]
        lines.append(f"EXDATE{stamp(start + k * step)}")
    return "\r\n".join([*lines, "END:VEVENT"]) + "\r\n"


def expected_days(event: dict[str, object]) -> set[tuple[str, date]]:
    """The model: each occurrence not excluded covers its days, all-day ones as written
    (end exclusive), timed ones in the person's own zone."""
    start, length, step, count = (event["start"], event["length"], event["step"],
                                  event["count"])
    assert isinstance(start, date) and isinstance(length, timedelta)
    assert isinstance(step, timedelta) and isinstance(count, int)
    who = str(event["who"])
    found: set[tuple[str, date]] = set()
    for k in range(count):
        if k in event["exdates"]:  # type: ignore[operator]
            continue
        begin = start + k * step
        if isinstance(begin, datetime):
            tz = ZoneInfo(ZONE[who])
            first = begin.astimezone(tz).date()
            last = (begin + length - timedelta(microseconds=1)).astimezone(tz).date()
        else:
            first, last = begin, begin + length - timedelta(days=1)
        found |= {(who, first + timedelta(days=d)) for d in range((last - first).days + 1)}
    return {(who, day) for who, day in found if DECEMBER[0] <= day <= DECEMBER[1]}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(feed_events(), min_size=1, max_size=5))
def test_generated_feeds_are_read_as_calendars_mean_them(tmp_path_factory: pytest.TempPathFactory,
                                                         events: list[dict[str, object]]
                                                         ) -> None:
    path = tmp_path_factory.mktemp("feed") / "hr.ics"
    body = "".join(vevent(n, e) for n, e in enumerate(events))
    path.write_text(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//gen//EN\r\n{body}"
                    "END:VCALENDAR\r\n", newline="")
    found, problems = read_feed(str(path), people().values(), *DECEMBER)
    assert problems == []
    got = {(a.person, a.first + timedelta(days=d)) for a in found
           for d in range((a.last - a.first).days + 1)
           if DECEMBER[0] <= a.first + timedelta(days=d) <= DECEMBER[1]}
    want: set[tuple[str, date]] = set()
    for event in events:
        want |= expected_days(event)
    assert got == want, json.dumps([str(e) for e in events])


def test_a_holiday_calendar_the_package_cannot_build_is_one_persons_warning(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The holidays package's data is not ours: a failure for one Country (here a KeyError
    from inside the package) is a warning on that person; the others' holidays are used."""
    import holidays

    from tests.cli.test_time_off_cli import people_with_countries
    from tests.helpers import write_roster

    real = holidays.country_holidays

    def flaky(country: str, **kwargs: object) -> object:
        if country.upper() == "ZA":
            raise KeyError("subdivision table")
        return real(country, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(holidays, "country_holidays", flaky)
    write_roster(workspace.folder, people=people_with_countries(
        {"keegancsmith": "ZA", "valerybugakov": "DE"}))
    workspace.config.write_text(workspace.config.read_text() + "\n[time_off]\nholidays = true\n")
    code, document = workspace.run_json("validate", "--today", "2022-09-10")
    assert code == 0
    [warning] = [f for f in document["findings"] if f["code"] == "time-off-unreadable"]
    assert "Keegan Carruthers-Smith" in warning["message"] and "ZA" in warning["message"]
    assert any("2022-10-03" in f["message"] for f in document["findings"]
               if f["code"] == "holiday-on-rotation")
