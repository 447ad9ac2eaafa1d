"""The report as one self-contained HTML page (inline CSS and SVG): open it from disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from html import escape

from sync.core.report import Report
from sync.core.roster import Roster, Rotation
from sync.core.time_off import Conflict

WIDTH, LANE, LEFT, TOP = 1100, 30, 20, 40
CHAR_WIDTH = 6.6  # average width of a 12px label character, to keep labels on the page
HISTORY = timedelta(days=365)  # older rotations would squeeze the upcoming ones

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1f2328; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: 4px 8px; }
th { background: #f6f8fa; text-align: left; }
svg text { font-size: 12px; }
.rotation { fill: #54aeff; } .has-tbd { fill: #ffb77c; stroke: #bc4c00; stroke-width: 2; }
.conflict { fill: #cf222e; } .gap { fill: #ff818266; } .today { stroke: #cf222e; stroke-width: 2; }
.legend span { display: inline-block; padding: 2px 8px; margin-right: 8px; }
"""


def render_html(report: Report, roster: Roster) -> str:
    shown = [r for r in roster.rotations if r.end >= report.today - HISTORY]
    hidden = len(roster.rotations) - len(shown)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Escalation engineer rotation: coverage</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Escalation engineer rotation: coverage on {report.today}</h1>",
        legend(),
        timeline(shown, report) if shown else "<p>No rotation in the last year or later.</p>",
        f"<p>{hidden} older rotation(s) not shown.</p>" if hidden else "",
        unfilled_table(report), conflicts_table(report), people_table(report),
        "</body></html>\n",
    ]
    return "\n".join(part for part in parts if part)


def legend() -> str:
    return ("<p class='legend'><span style='background:#54aeff'>rotation</span>"
            "<span style='background:#ffb77c'>has TBD slots</span>"
            "<span style='background:#ff818266'>gap: nobody on rotation</span>"
            "<span style='background:#cf222e;color:#fff'>time-off conflict</span>"
            "<span style='color:#cf222e'>| today</span></p>")


def timeline(rotations: list[Rotation], report: Report) -> str:
    first = min([r.start for r in rotations] + [report.today])
    last = max([r.end + timedelta(days=1) for r in rotations] + [report.today])
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return LEFT + (day - first).days / span * (WIDTH - 2 * LEFT)

    height = TOP + LANE * len(rotations) + 20
    shapes = [gap_rect(x(g.first), x(g.last + timedelta(days=1)), height)
              for g in report.gaps if g.first >= first]
    shapes += [bar(r, lane, x) for lane, r in enumerate(rotations)]
    lanes = {r.key: lane for lane, r in enumerate(rotations)}
    shapes += [conflict_mark(c, lanes[c.rotation.key], x) for c in report.conflicts
               if c.rotation.key in lanes]
    shapes.append(f"<line class='today' x1='{x(report.today):.1f}' y1='20' "
                  f"x2='{x(report.today):.1f}' y2='{height}'/>"
                  f"<text x='{x(report.today) + 4:.1f}' y='16'>today {report.today}</text>")
    return (f"<svg id='timeline' xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' "
            f"height='{height}' role='img' aria-label='rotation timeline'>"
            + "".join(shapes) + "</svg>")


def gap_rect(left: float, right: float, height: int) -> str:
    return (f"<rect class='gap' x='{left:.1f}' y='20' width='{max(right - left, 2):.1f}' "
            f"height='{height - 20}'><title>gap</title></rect>")


def bar(rotation: Rotation, lane: int, x: Callable[[date], float]) -> str:
    left, right = x(rotation.start), x(rotation.end + timedelta(days=1))
    y = TOP + lane * LANE
    css = "rotation has-tbd" if rotation.tbd_count else "rotation"
    names = ", ".join(f"@{h}" if h else "TBD" for h in rotation.slots) or "TBD"
    label = escape(f"{rotation.label}: {names}")
    return (f"<g><rect class='{css}' x='{left:.1f}' y='{y}' width='{max(right - left, 2):.1f}' "
            f"height='{LANE - 6}' rx='3'><title>{label}</title></rect>"
            f"{placed_label(label, left, right, y)}</g>")


def conflict_mark(conflict: Conflict, lane: int, x: Callable[[date], float]) -> str:
    """A red strip under the rotation's bar over the days someone is away."""
    left, right = x(conflict.first), x(conflict.last + timedelta(days=1))
    label = escape(f"{conflict.person.name} away {conflict.days}: no Overrides row")
    return (f"<rect class='conflict' x='{left:.1f}' y='{TOP + lane * LANE + LANE - 10}' "
            f"width='{max(right - left, 2):.1f}' height='4'><title>{label}</title></rect>")


def conflicts_table(report: Report) -> str:
    rows = "".join(f"<tr><td>{escape(c.person.name)} (@{escape(c.person.github)})</td>"
                   f"<td>{c.days}</td><td>{escape(c.rotation.label)}</td></tr>"
                   for c in report.conflicts) or "<tr><td colspan='3'>none</td></tr>"
    return ("<h2>Time-off conflicts (add an Overrides row)</h2><table id='conflicts'>"
            f"<tr><th>Who</th><th>Away</th><th>Rotation</th></tr>{rows}</table>")


def placed_label(label: str, left: float, right: float, y: int) -> str:
    """Labels run right from the bar's start, or end at its end near the right edge."""
    if left + len(label) * CHAR_WIDTH < WIDTH - LEFT:
        return f"<text x='{left + 4:.1f}' y='{y + 16}'>{label}</text>"
    return f"<text x='{right - 4:.1f}' y='{y + 16}' text-anchor='end'>{label}</text>"


def unfilled_table(report: Report) -> str:
    rows = "".join(f"<tr><td>{escape(u.rotation)}</td><td>{u.row}</td><td>{u.tbd}</td></tr>"
                   for u in report.unfilled) or "<tr><td colspan='3'>none</td></tr>"
    gaps = "".join(f"<tr><td>{g.first} to {g.last}</td><td>{g.days}</td></tr>"
                   for g in report.gaps) or "<tr><td colspan='2'>none</td></tr>"
    return ("<h2>Upcoming unfilled slots</h2><table id='unfilled'><tr><th>Rotation</th>"
            f"<th>Row</th><th>TBD slots</th></tr>{rows}</table>"
            "<h2>Upcoming gaps</h2><table id='gaps'><tr><th>Nobody on rotation</th>"
            f"<th>Days</th></tr>{gaps}</table>")


def people_table(report: Report) -> str:
    rows = "".join(
        f"<tr><td>@{escape(p.github)}</td><td>{escape(p.name)}</td><td>{escape(p.timezone)}"
        f"</td><td>{p.served}</td><td>{p.last_served or 'never'}</td><td>{p.upcoming}</td></tr>"
        for p in report.people)
    return ("<h2>Who is due (first: nobody scheduled ahead, longest since their last "
            "rotation)</h2><table id='people'><tr><th>GitHub</th><th>Name</th>"
            "<th>Timezone</th><th>Rotations served</th><th>Last served</th>"
            f"<th>Upcoming</th></tr>{rows}</table>")
