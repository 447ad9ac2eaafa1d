"""`rotation-sync report`: coverage and participation, as text, JSON and an HTML page that a
real browser renders (headless Chromium)."""

from __future__ import annotations

import html as html_module
import json
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sync.core.report.participation import build_report
from tests.conftest import Workspace
from tests.helpers import make_clock, make_roster, rotations_rows, to_csv
from tests.png import pixels

ROSTER = [
    ("2022-08-10", "2022-09-06", ["keegancsmith", "BolajiOlajide"]),
    ("2022-09-07", "2022-10-09", ["keegancsmith", "valerybugakov", "kenji-sato"]),
    ("2022-10-17", "2022-11-13", ["tbliu98", None, None]),
]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_report_finds_tbd_gaps_spread_and_who_is_due() -> None:
    report = build_report(make_roster(ROSTER), make_clock("2022-09-10"))
    assert [(u.rotation, u.tbd) for u in report.unfilled] == [("2022-10-17 to 2022-11-13", 2)]
    assert [(str(g.first), str(g.last), g.days) for g in report.gaps] == \
        [("2022-10-10", "2022-10-16", 7)]
    second = report.spreads[1]
    assert second.offsets == ["UTC+2", "UTC+2", "UTC+9"] and second.spread_hours == 7
    due = [p.github for p in report.people]
    assert due[:2] == ["priya-nair", "sven-larsen"], "never on a rotation, nothing upcoming"
    assert due.index("BolajiOlajide") < due.index("keegancsmith")
    assert set(due[-4:]) == {"keegancsmith", "valerybugakov", "kenji-sato", "tbliu98"}, \
        "serving now or scheduled ahead: least due"
    bolaji = next(p for p in report.people if p.github == "BolajiOlajide")
    assert (bolaji.served, str(bolaji.last_served)) == (1, "2022-09-06")


def test_last_served_is_never_a_future_day() -> None:
    report = build_report(make_roster(ROSTER), make_clock("2022-09-10"))
    people = {p.github: p for p in report.people}
    keegan, kenji = people["keegancsmith"], people["kenji-sato"]
    assert keegan.serving_now and keegan.last_served_text() == "serving now"
    assert str(keegan.last_served) == "2022-09-06", "the rotation that is over, not today's"
    assert kenji.serving_now and kenji.last_served is None
    assert people["tbliu98"].last_served_text() == "scheduled"
    assert people["priya-nair"].last_served_text() == "never"
    assert all(p.last_served is None or p.last_served < report.today for p in report.people)


def test_each_offset_sits_next_to_its_engineer() -> None:
    rows = [("2022-09-07", "2022-10-09", ["kenji-sato", "tbliu98", "keegancsmith"])]
    (spread,) = build_report(make_roster(rows), make_clock("2022-09-10")).spreads
    assert spread.members() == "@tbliu98 UTC-7, @keegancsmith UTC+2, @kenji-sato UTC+9"
    assert spread.spread_hours == 16


def test_report_text_shows_serving_now_and_offsets_by_engineer(workspace: Workspace) -> None:
    write(workspace)
    text = " ".join(workspace.run("report", "--today", "2022-09-10").stdout.split())
    assert "serving now" in text and "2022-10-09" not in text.split("Who is due")[1]
    assert "@keegancsmith UTC+2, @valerybugakov UTC+2, @kenji-sato UTC+9" in text


def write(workspace: Workspace) -> None:
    (workspace.folder / "roster/rotations.csv").write_text(to_csv(rotations_rows(ROSTER)))


def test_report_json(workspace: Workspace) -> None:
    write(workspace)
    code, document = workspace.run_json("report", "--today", "2022-09-10")
    assert code == 0
    assert document["gaps"] == [{"from": "2022-10-10", "to": "2022-10-16", "days": 7}]
    assert document["unfilled"][0]["tbd"] == 2
    assert document["people"][0]["github"] == "priya-nair"
    assert document["people"][0]["last_served"] is None
    keegan = next(p for p in document["people"] if p["github"] == "keegancsmith")
    assert keegan["serving_now"] is True and keegan["last_served"] == "2022-09-06"


def test_report_on_an_invalid_roster_exits_1(workspace: Workspace) -> None:
    (workspace.folder / "roster/rotations.csv").write_text("Start,End,Engineers\nx,y,z\n")
    assert workspace.run("report").exit_code == 1


def test_html_is_self_contained(workspace: Workspace, tmp_path: Path) -> None:
    write(workspace)
    page = tmp_path / "coverage.html"
    assert workspace.run("report", "--today", "2022-09-10", "--html", str(page)).exit_code == 0
    html = page.read_text()
    assert "<svg id='timeline'" in html
    assert html.count("class='rotation") == 3
    assert html.count("class='rotation has-tbd'") == 1
    assert html.count("class='gap'") == 1
    assert "class='today'" in html
    assert "http" not in html.replace("http://www.w3.org/2000/svg", ""), "no external asset"


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs "
                                             "it with apt-get where the machine allows)")
def test_html_renders_in_a_browser(workspace: Workspace, tmp_path: Path) -> None:
    write(workspace)
    page = tmp_path / "coverage.html"
    workspace.run("report", "--today", "2022-09-10", "--html", str(page))
    shot = tmp_path / "shot.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars"]
    subprocess.run([str(CHROMIUM), *flags, f"--screenshot={shot}", "--window-size=1200,900",
                    page.as_uri()], capture_output=True, timeout=120, check=True)
    colours = pixels(shot)
    assert colours[(0x54, 0xAE, 0xFF)] > 500, "rotation bars are drawn"
    assert colours[(0xFF, 0xB7, 0x7C)] > 500, "the rotation with TBD slots is highlighted"
    assert colours[(0xCF, 0x22, 0x2E)] > 50, "today is marked"
    dom = subprocess.run([str(CHROMIUM), *flags, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert dom.count('class="rotation') == 3
    assert json.dumps("2022-10-17 to 2022-11-13")[1:-1] in dom


def svg_of(workspace: Workspace, tmp_path: Path) -> ElementTree.Element:
    write(workspace)
    page = tmp_path / "coverage.html"
    assert workspace.run("report", "--today", "2022-09-10", "--html", str(page)).exit_code == 0
    html = page.read_text()
    return ElementTree.fromstring(html[html.index("<svg"):html.index("</svg>") + 6])


def test_the_timeline_scales_to_the_page_and_has_a_date_axis(workspace: Workspace,
                                                              tmp_path: Path) -> None:
    svg = svg_of(workspace, tmp_path)
    assert svg.get("width") == "100%" and svg.get("height") is None
    assert svg.get("viewBox", "").startswith("0 0 1100 ")
    ns = "{http://www.w3.org/2000/svg}"
    months = [t.text for g in svg.iter(f"{ns}g") if g.get("class") == "axis"
              for t in g.iter(f"{ns}text")]
    assert months == ["Sep 2022", "Oct 2022", "Nov 2022"]


def test_no_label_shares_its_rows_with_a_bar(workspace: Workspace, tmp_path: Path) -> None:
    """Labels are 12px text on their own row: its box (baseline-12 to baseline+4) never
    meets any bar's box."""
    ns = "{http://www.w3.org/2000/svg}"
    svg = svg_of(workspace, tmp_path)
    bars = [(float(r.get("y", 0)), float(r.get("y", 0)) + float(r.get("height", 0)))
            for r in svg.iter(f"{ns}rect") if "rotation" in (r.get("class") or "")]
    labels = [(float(t.get("y", 0)) - 12, float(t.get("y", 0)) + 4)
              for t in svg.iter(f"{ns}text") if t.get("class") == "label"]
    assert len(bars) == len(labels) == 3
    assert not any(label_top < bar_bottom and label_bottom > bar_top
                   for bar_top, bar_bottom in bars for label_top, label_bottom in labels)


LAYOUT_PROBE = """<script>
addEventListener('load', () => {
  const box = e => e.getBoundingClientRect();
  const bars = [...document.querySelectorAll('rect.rotation')].map(box);
  const labels = [...document.querySelectorAll('text.label')].map(box);
  const meets = (a, b) => a.left < b.right && b.left < a.right &&
    a.top < b.bottom && b.top < a.bottom;
  const svg = box(document.getElementById('timeline'));
  const page = document.body.clientWidth;
  const out = {overlaps: labels.filter(l => bars.some(b => meets(l, b))).length,
               offPage: labels.filter(l => l.left < svg.left - 1 || l.right > svg.right + 1).length,
               svgWidth: svg.width, pageWidth: page, labels: labels.length};
  document.body.setAttribute('data-layout', JSON.stringify(out));
});
</script></body>"""


def rendered_layout(page: Path, tmp_path: Path, width: int) -> dict[str, float]:
    probe = tmp_path / f"probe-{width}.html"
    probe.write_text(page.read_text().replace("</body>", LAYOUT_PROBE))
    dom = subprocess.run([str(CHROMIUM), *browser_flags(tmp_path), f"--window-size={width},900",
                          "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    match = re.search(r'data-layout="([^"]*)"', dom)
    assert match, "the probe ran in the browser"
    return dict(json.loads(html_module.unescape(match.group(1))))


def browser_flags(tmp_path: Path) -> list[str]:
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars"]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs "
                                             "it with apt-get where the machine allows)")
def test_the_rendered_timeline_fills_the_page_and_labels_stay_off_the_bars(
        workspace: Workspace, tmp_path: Path) -> None:
    write(workspace)
    page = tmp_path / "coverage.html"
    workspace.run("report", "--today", "2022-09-10", "--html", str(page))
    narrow, wide = (rendered_layout(page, tmp_path, width) for width in (700, 1600))
    for layout in (narrow, wide):
        assert layout["labels"] == 3 and layout["overlaps"] == 0 and layout["offPage"] == 0
        assert abs(layout["svgWidth"] - layout["pageWidth"]) < 2, layout
    assert wide["svgWidth"] > narrow["svgWidth"] + 500
