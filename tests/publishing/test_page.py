"""The page's content and now.json (pure): who is on rotation now as lived, since and until
when, the next handoff, the coming 12 weeks; and names with markup or right-to-left text
escaped in HTML, JSON and ICS (hypothesis)."""

from __future__ import annotations

import json
from datetime import datetime
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from sync.core.lived.roster import Person, Roster
from sync.core.publish.feeds import person_feeds, render_feed
from sync.core.publish.page import board, now_json
from sync.core.publish.page_html import index_html
from tests.publishing.world import NOW, TZ, both_parsers, roster

GENERATED = datetime(2026, 12, 7, 10, 5, tzinfo=TZ)


def handles(shift: dict[str, object]) -> list[str]:
    return [e["handle"] for e in shift["engineers"]]  # type: ignore[attr-defined, index]


def test_now_json_has_the_contract_shape_and_answers_as_lived() -> None:
    document = json.loads(now_json(board(roster(), NOW, GENERATED)))
    assert set(document) == {"generated_at", "timezone", "now", "next", "upcoming"}
    assert document["generated_at"] == "2026-12-07T10:05:00-08:00"
    assert document["timezone"] == "America/Los_Angeles"
    assert set(document["now"]) == {"engineers", "since", "until"}
    assert document["now"]["engineers"][0] == {"handle": "valerybugakov",
                                               "name": "Valery Bugakov",
                                               "timezone": "Europe/Berlin"}
    assert handles(document["now"]) == ["valerybugakov", "kenji-sato", "tbliu98"]
    assert document["now"]["since"] == "2026-12-04T09:00:00-08:00", "Valery came back then"
    assert document["now"]["until"] == "2026-12-10T09:00:00-08:00", "Kenji is away from then"
    assert document["next"] == document["upcoming"][0]
    assert handles(document["next"]) == ["valerybugakov", "tbliu98"], "nobody covers Kenji"
    assert [u["since"][:10] for u in document["upcoming"]] == \
        ["2026-12-10", "2026-12-13", "2026-12-21", "2027-01-18", "2027-02-01", "2027-03-01"]
    assert document["upcoming"][3]["engineers"] == [], "a gap: nobody"
    assert document["upcoming"][4]["until"] == "2027-03-01T09:00:00-08:00"
    assert document["upcoming"][5] == {"engineers": [], "since": "2027-03-01T09:00:00-08:00",
                                       "until": None}, "the roster ends: nobody, for good"


def test_in_a_gap_and_after_the_last_rotation() -> None:
    gap = board(roster(), datetime(2027, 1, 20, 12, tzinfo=TZ), GENERATED)
    assert gap.now.on_call.people == () and gap.now.at == datetime(2027, 1, 18, 9, tzinfo=TZ)
    assert gap.next is not None and gap.next.at == datetime(2027, 2, 1, 9, tzinfo=TZ)
    after = board(roster(), datetime(2027, 6, 1, tzinfo=TZ), GENERATED)
    assert after.now.until is None and after.next is None and after.upcoming == ()
    page = index_html(after)
    assert "Nobody: no rotation is running." in page and "No later handoff is planned." in page


def test_a_handoff_beyond_12_weeks_is_still_the_next_one() -> None:
    far = board(roster(), datetime(2026, 10, 1, tzinfo=TZ), GENERATED, weeks=1)
    assert far.upcoming == () and far.next is not None
    assert far.next.at == datetime(2026, 11, 23, 9, tzinfo=TZ)
    assert far.now.at is None, "before the first rotation nothing has begun"


def test_the_page_has_no_email_and_nothing_from_another_host() -> None:
    page = index_html(board(roster(), NOW, GENERATED))
    assert "@example.com" not in page and "mailto" not in page
    assert "http://" not in page and "https://" not in page and "//" not in \
        page.replace("://", "")
    assert "<time datetime='2026-12-10T09:00:00-08:00'>Thu <span class='date'>2026-12-10" \
           "</span> 09:00 PST</time>" in page


# -- names with markup or right-to-left text, escaped everywhere ---------------------------
HOSTILE = st.sampled_from([
    "<script>alert(1)</script>", "</bdi><img src=x onerror=alert(1)>", "Tom & Jerry's \"crew\"",
    "\u202egnp.exe", "محمد عبد الله", "שרה כהן", "a;b,c\\d", "x" * 120, "Zoë <b>Ünïcødé</b>",
    "{{name}} ${x} `y`", "'); DROP TABLE people;--"])
NAMES = st.one_of(HOSTILE, st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                                                 blacklist_characters="\u2028\u2029\x85"),
                                   min_size=1, max_size=60))


class Texts(HTMLParser):
    """Each <bdi>'s text, and every tag the page holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.bdi: list[str] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)
        if tag == "bdi":
            self.inside, self.bdi = True, [*self.bdi, ""]

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag != "bdi"

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.bdi[-1] += data


def named(name: str) -> Roster:
    lived = roster()
    person = lived.people["kenji-sato"]
    people = {**lived.people, "kenji-sato": Person(**{**person.model_dump(), "name": name})}
    return lived.model_copy(update={"people": people})


@given(name=NAMES)
def test_a_name_is_escaped_in_html_json_and_ics(name: str) -> None:
    lived = named(name)
    content = board(lived, NOW, GENERATED)
    clean = Texts()
    clean.feed(index_html(board(roster(), NOW, GENERATED)))
    parsed = Texts()
    parsed.feed(index_html(content))
    assert parsed.tags == clean.tags, "the name added or removed an element"
    assert name in parsed.bdi, "the name reads as it is, isolated in <bdi>"
    text = now_json(content)
    assert json.loads(text)["now"]["engineers"][1]["name"] == name
    assert not set(text) & set("<>&\u202e\u2066"), "raw markup or bidi controls in now.json"
    events = person_feeds(lived, NOW, 364)["tbliu98"]
    (shift,) = both_parsers(render_feed(f"Rotation: {name}", events, {}, GENERATED))
    assert f"{name} (@kenji-sato)" in shift["description"]


def test_the_shift_changes_at_the_handoff_not_at_midnight() -> None:
    before = board(roster(), datetime(2026, 12, 10, 8, 59, tzinfo=TZ), GENERATED)
    assert before.now.until == datetime(2026, 12, 10, 9, tzinfo=TZ)
    assert [p.github for p in before.now.on_call.people] == \
        ["valerybugakov", "kenji-sato", "tbliu98"]
    at = board(roster(), datetime(2026, 12, 10, 9, tzinfo=TZ), GENERATED)
    assert at.now.at == datetime(2026, 12, 10, 9, tzinfo=TZ)
    assert [p.github for p in at.now.on_call.people] == ["valerybugakov", "tbliu98"]
