"""index.html: the who's-on-call page as one self-contained file.

Semantic HTML and one small inline stylesheet: readable without JavaScript, on a phone and
from disk, nothing from another host, no email address. A short inline script adds each
time in the reader's own timezone. Every roster text is escaped and wrapped in <bdi>, so a
name in a right-to-left script cannot reorder the text around it.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from sync.core.lived.roster import Person
from sync.core.publish.page import WEEKS, Board
from sync.core.report.who import Shift

TITLE = "Who is on rotation: escalation engineers"

STYLE = """
:root { color-scheme: light; }
body { font: 1rem/1.5 system-ui, sans-serif; color: #1f2328; background: #fff;
       margin: 0 auto; padding: 1rem; max-width: 52rem; }
bdi { overflow-wrap: anywhere; } .date { white-space: nowrap; }
h1 { font-size: 1.5rem; margin: .5rem 0; } h2 { font-size: 1.15rem; margin-top: 1.75rem; }
.muted, footer { color: #57606a; }
.people { list-style: none; padding: 0; margin: .5rem 0; }
.people li { margin: .25rem 0; } .people .name { font-weight: 600; font-size: 1.15rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d0d7de; padding: .4rem .5rem .4rem 0; text-align: left;
         vertical-align: top; }
caption { text-align: left; color: #57606a; padding-bottom: .25rem; }
.yours { color: #57606a; font-size: .9em; } td .yours { display: block; }
a { color: #0550ae; }
@media (max-width: 30rem) { body { padding: .75rem; }
  th, td { font-size: .9rem; padding-right: .35rem; } }
"""

SCRIPT = """
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === document.documentElement.getAttribute("data-timezone")) return;
  var format = new Intl.DateTimeFormat("en-US", {timeZone: zone, weekday: "short",
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23"});
  document.querySelectorAll("time[datetime]").forEach(function (element) {
    var part = {};
    format.formatToParts(new Date(element.getAttribute("datetime"))).forEach(function (p) {
      part[p.type] = p.value;
    });
    var yours = document.createElement("span");
    yours.className = "yours";
    var date = document.createElement("span");
    date.className = "date";
    date.textContent = part.year + "-" + part.month + "-" + part.day;
    yours.append(" (" + part.weekday + " ", date, " " + part.hour + ":" + part.minute +
      " your time)");
    element.insertAdjacentElement("afterend", yours);
  });
  var note = document.getElementById("zone-note");
  note.textContent = note.textContent + " In brackets: the same moment in your " +
    "timezone (" + zone + ").";
})();
"""


def index_html(page: Board) -> str:
    zone = escape(page.timezone)
    parts = [
        f"<!doctype html>\n<html lang='en' data-timezone='{zone}'>\n<head>",
        "<meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{TITLE}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        "<header><h1>Who is on rotation</h1>",
        f"<p class='muted' id='zone-note'>Escalation engineer rotation. Times are in {zone}."
        "</p></header>\n<main>",
        now_section(page), next_section(page), weeks_section(page), "</main>",
        f"<footer><p>Updated {when(page.generated_at)} by rotation-sync from the rotation "
        "roster. For scripts: <a href='now.json'>now.json</a>.</p></footer>",
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n",
    ]
    return "\n".join(parts)


def now_section(page: Board) -> str:
    shift = page.now
    since = f"since {when(shift.at)}" if shift.at else ""
    until = f"until {when(shift.until)}" if shift.until else "with no later handoff planned"
    return ("<section aria-labelledby='now'><h2 id='now'>On rotation now</h2>\n"
            f"{people_list(shift)}\n<p>{sentence(since, until)}</p>"
            "</section>")


def sentence(*parts: str) -> str:
    words = ", ".join(part for part in parts if part)
    return f"{words[:1].upper()}{words[1:]}."


def next_section(page: Board) -> str:
    shift = page.next
    body = "<p>No later handoff is planned.</p>" if shift is None or shift.at is None else \
        f"<p>From {when(shift.at)}:</p>\n{people_list(shift)}"
    return f"<section aria-labelledby='next'><h2 id='next'>Next handoff</h2>\n{body}</section>"


def weeks_section(page: Board) -> str:
    heading = f"<h2 id='weeks'>The coming {WEEKS} weeks</h2>"
    if not page.upcoming:
        return (f"<section aria-labelledby='weeks'>{heading}\n<p>No handoff in the coming "
                f"{WEEKS} weeks.</p></section>")
    rows = "\n".join(f"<tr><td>{when(s.at)}</td><td>{when(s.until)}</td>"
                     f"<td>{names(s)}</td></tr>" for s in page.upcoming)
    return (f"<section aria-labelledby='weeks'>{heading}\n<table>\n"
            f"<caption>Each handoff in the coming {WEEKS} weeks and who is on rotation "
            "from then on.</caption>\n<thead><tr><th scope='col'>From</th>"
            "<th scope='col'>Until</th><th scope='col'>On rotation</th></tr></thead>\n"
            f"<tbody>\n{rows}\n</tbody>\n</table></section>")


def people_list(shift: Shift) -> str:
    if not shift.on_call.people:
        return f"<p class='people'>{nobody(shift)}</p>"
    items = "\n".join(f"<li>{person_words(p)}</li>" for p in shift.on_call.people)
    return f"<ul class='people'>\n{items}\n</ul>"


def person_words(person: Person) -> str:
    return (f"<span class='name'><bdi>{escape(person.name)}</bdi></span> "
            f"<span class='muted'>@{escape(person.github)}, {escape(person.timezone)}</span>")


def names(shift: Shift) -> str:
    if not shift.on_call.people:
        return nobody(shift)
    return ", ".join(f"<bdi>{escape(p.name)}</bdi> (@{escape(p.github)})"
                     for p in shift.on_call.people)


def nobody(shift: Shift) -> str:
    if shift.on_call.rotation is None:
        return "Nobody: no rotation is running."
    return "Nobody: the rotation has no engineer assigned."


def when(moment: datetime | None) -> str:
    """A <time> a script can show in the reader's own timezone; the text is the configured
    timezone's, so the page reads right without JavaScript."""
    if moment is None:
        return "no later handoff planned"
    return (f"<time datetime='{moment.isoformat()}'>{moment:%a} <span class='date'>"
            f"{moment:%Y-%m-%d}</span> {moment:%H:%M %Z}</time>")
