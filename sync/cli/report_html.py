"""The report as one self-contained HTML page (inline CSS and SVG): open it from disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from html import escape

from sync.core.lived.roster import Roster, Rotation
from sync.core.report.participation import OverrideItem, Report
from sync.core.rules.time_off import Conflict

WIDTH, LEFT = 1100, 20  # the drawing's own units; the page scales it to its width
AXIS_Y, TOP, BOTTOM = 16, 28, 22  # month labels' baseline, first lane, room for "today"
LABEL_ROW, BAR = 18, 18  # each lane: its label's row, then its bar
LANE = LABEL_ROW + BAR + 6
AXIS_LABELS = 12  # at most about this many month labels
CHAR_WIDTH = 6.6  # average width of a 12px label character, to keep labels on the page
HISTORY = timedelta(days=365)  # older rotations would squeeze the upcoming ones

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1f2328; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: 4px 8px; }
th { background: #f6f8fa; text-align: left; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-size: 12px; } .axis line { stroke: #d0d7de; } .axis text { fill: #57606a; }
.rotation { fill: #54aeff; } .has-tbd { fill: #ffb77c; stroke: #bc4c00; stroke-width: 2; }
.override { fill: #8250df; stroke: #ffffff; stroke-width: 1; }
.gap { fill: #ff818266; } .today { stroke: #cf222e; stroke-width: 2; }
.conflict { fill: #cf222e; }
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
            "<span style='background:#8250df;color:#fff'>override: someone covers</span>"
            "<span style='background:#cf222e;color:#fff'>time-off conflict</span>"
            "<span style='color:#cf222e'>| today</span></p>")


def timeline(rotations: list[Rotation], report: Report) -> str:
    """An SVG that scales to the page (viewBox, width 100%): a date axis on top, then one
    lane per rotation, its label in a row of its own above its bar, so no label ever
    covers a bar."""
    first = min([r.start for r in rotations] + [report.today])
    last = max([r.end + timedelta(days=1) for r in rotations] + [report.today])
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return LEFT + (day - first).days / span * (WIDTH - 2 * LEFT)

    height = TOP + LANE * len(rotations) + BOTTOM
    shapes = date_axis(first, last, x, height)
    shapes += [gap_rect(x(g.first), x(g.last + timedelta(days=1)), height)
               for g in report.gaps if g.first >= first]
    shapes += [bar(r, lane, x) for lane, r in enumerate(rotations)]
    shapes += [override_mark(o, lane, x) for lane, r in enumerate(rotations)
               for o in report.overrides if r.start <= o.start <= r.end]
    lanes = {r.key: lane for lane, r in enumerate(rotations)}
    shapes += [conflict_mark(c, lanes[c.rotation.key], x) for c in report.conflicts
               if c.rotation.key in lanes]
    shapes.append(today_mark(x(report.today), report.today, height))
    return (f"<svg id='timeline' xmlns='http://www.w3.org/2000/svg' "
            f"viewBox='0 0 {WIDTH} {height}' width='100%' role='img' "
            "aria-label='rotation timeline'>" + "".join(shapes) + "</svg>")


def date_axis(first: date, last: date, x: Callable[[date], float], height: int) -> list[str]:
    """A tick and a label at the first of each month (every few months on a long span)."""
    step = max(1, -(-months_between(first, last) // AXIS_LABELS))
    ticks = []
    for day in month_starts(first, last, step):
        ticks.append(f"<g class='axis'><line x1='{x(day):.1f}' y1='{AXIS_Y + 4}' "
                     f"x2='{x(day):.1f}' y2='{height - BOTTOM}'/>"
                     f"<text x='{x(day) + 3:.1f}' y='{AXIS_Y}'>{day:%b %Y}</text></g>")
    return ticks


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def month_starts(first: date, last: date, step: int) -> list[date]:
    day = date(first.year, first.month, 1)
    if day < first:
        day = next_month(day, 1)
    days = []
    while day <= last:
        days.append(day)
        day = next_month(day, step)
    return days


def next_month(day: date, step: int) -> date:
    index = day.year * 12 + day.month - 1 + step
    return date(index // 12, index % 12 + 1, 1)


def today_mark(left: float, today: date, height: int) -> str:
    """Today's line, labelled under the lanes (the axis labels are above them)."""
    anchor = "end" if left > WIDTH / 2 else "start"
    shift = -4 if anchor == "end" else 4
    return (f"<line class='today' x1='{left:.1f}' y1='{AXIS_Y + 4}' x2='{left:.1f}' "
            f"y2='{height - BOTTOM + 4}'/><text class='today-label' x='{left + shift:.1f}' "
            f"y='{height - 4}' text-anchor='{anchor}'>today {today}</text>")


def gap_rect(left: float, right: float, height: int) -> str:
    return (f"<rect class='gap' x='{left:.1f}' y='{TOP}' width='{max(right - left, 2):.1f}' "
            f"height='{height - TOP - BOTTOM}'><title>gap</title></rect>")


def bar(rotation: Rotation, lane: int, x: Callable[[date], float]) -> str:
    left, right = x(rotation.start), x(rotation.end + timedelta(days=1))
    y = TOP + lane * LANE
    css = "rotation has-tbd" if rotation.tbd_count else "rotation"
    names = ", ".join(f"@{h}" if h else "TBD" for h in rotation.slots) or "TBD"
    label = escape(f"{rotation.label}: {names}")
    return (f"<g>{placed_label(label, len(f'{rotation.label}: {names}'), left, right, y)}"
            f"<rect class='{css}' x='{left:.1f}' y='{y + LABEL_ROW}' "
            f"width='{max(right - left, 2):.1f}' height='{BAR}' rx='3'>"
            f"<title>{label}</title></rect></g>")


def override_mark(override: OverrideItem, lane: int, x: Callable[[date], float]) -> str:
    """A marked segment along the bottom of the rotation's bar, naming who covers whom."""
    left, right = x(override.start), x(override.end + timedelta(days=1))
    who = f"{override.cover} covers {override.engineer}" if override.cover else \
        f"{override.engineer} away, nobody covers"
    label = escape(f"{who} {override.start} to {override.end}")
    return (f"<rect class='override' x='{left:.1f}' y='{TOP + lane * LANE + LABEL_ROW + BAR - 8}' "
            f"width='{max(right - left, 2):.1f}' height='8'><title>{label}</title></rect>")


def conflict_mark(conflict: Conflict, lane: int, x: Callable[[date], float]) -> str:
    """A red strip under the rotation's bar over the days someone is away."""
    left, right = x(conflict.first), x(conflict.last + timedelta(days=1))
    label = escape(f"{conflict.person.name} away {conflict.days}: no Overrides row")
    y = TOP + lane * LANE + LABEL_ROW + BAR - 4  # along the bottom of the rotation's bar
    return (f"<rect class='conflict' x='{left:.1f}' y='{y}' "
            f"width='{max(right - left, 2):.1f}' height='4'><title>{label}</title></rect>")


def conflicts_table(report: Report) -> str:
    rows = "".join(f"<tr><td>{escape(c.person.name)} (@{escape(c.person.github)})</td>"
                   f"<td>{c.days}</td><td>{escape(c.rotation.label)}</td></tr>"
                   for c in report.conflicts) or "<tr><td colspan='3'>none</td></tr>"
    return ("<h2>Time-off conflicts (add an Overrides row)</h2><table id='conflicts'>"
            f"<tr><th>Who</th><th>Away</th><th>Rotation</th></tr>{rows}</table>")


def placed_label(label: str, length: int, left: float, right: float, y: int) -> str:
    """In the lane's label row: from the bar's start, or ending at its end near the right
    edge, so it stays on the page."""
    baseline = y + LABEL_ROW - 4
    if left + length * CHAR_WIDTH < WIDTH - LEFT:
        return f"<text class='label' x='{left:.1f}' y='{baseline}'>{label}</text>"
    return (f"<text class='label' x='{min(right, WIDTH - LEFT):.1f}' y='{baseline}' "
            f"text-anchor='end'>{label}</text>")


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
        f"</td><td>{p.served}</td><td>{p.last_served_text()}</td><td>{p.upcoming}</td>"
        f"<td>{p.days_covered}</td><td>{p.days_away}</td></tr>"
        for p in report.people)
    return ("<h2>Who is due (first: nobody scheduled ahead, longest since their last "
            "rotation)</h2><table id='people'><tr><th>GitHub</th><th>Name</th>"
            "<th>Timezone</th><th>Rotations served</th><th>Last served</th>"
            "<th>Upcoming</th><th>Days covering others</th><th>Days away (covered "
            f"by others)</th></tr>{rows}</table>")
