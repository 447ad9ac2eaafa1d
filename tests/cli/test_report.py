"""`rotation-sync report`: coverage and participation, as text, JSON and an HTML page that a
real browser renders (headless Chromium)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sync.core.report import build_report
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
    assert due[-1] == "tbliu98", "scheduled ahead: least due"
    bolaji = next(p for p in report.people if p.github == "BolajiOlajide")
    assert (bolaji.served, str(bolaji.last_served)) == (1, "2022-09-06")


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
