"""The who's-on-call page in a real browser: Debian's Chromium through Playwright (never a
browser Playwright downloads). What a person sees (who is on rotation now, the next
handoff, the 12-week table) with JavaScript on and off, at desktop and phone widths; no
request to another host; and axe-core finds no serious accessibility violation.

Where Chromium is missing these tests skip with a line naming the package; under CI
(CI=true) they fail instead, so CI never passes without them."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sync.cli.commands import app
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
MISSING = ("Chromium is not installed: install the Debian package `chromium` "
           "(`make browser` does, as root) to run the page's browser tests")
WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The local example, synced on 2026-12-08 (Amara Okafor covers Diego Ramos)."""
    folder = tmp_path_factory.mktemp("example") / "config"
    shutil.copytree(ROOT / "config", folder, ignore=shutil.ignore_patterns("out", "state"))
    result = CliRunner().invoke(app, ["sync", "-c", str(folder / "example.toml"),
                                      "--today", "2026-12-08"])
    assert result.exit_code == 0, result.output
    return folder / "out" / "page"


def require_chromium() -> str:
    """Chromium's path; without it a skip naming the package, or under CI a failure."""
    if CHROMIUM is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{MISSING}; under CI the browser tests never skip.")
        pytest.skip(MISSING)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        yield launched
        launched.close()


def open_page(browser: Any, site: Path, width: str, javascript: bool,
              zone: str = "Asia/Tokyo") -> tuple[Any, list[str]]:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, timezone_id=zone,
                                  java_script_enabled=javascript, locale="en-US")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    page.wait_for_load_state("load")
    return page, requests


def section(page: Any, heading: str) -> str:
    text: str = page.locator("section", has=page.get_by_role("heading", name=heading)) \
        .inner_text()
    return text


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_person_sees_who_is_on_rotation_now_the_next_handoff_and_12_weeks(
        browser: Any, site: Path, width: str, javascript: bool) -> None:
    page, requests = open_page(browser, site, width, javascript)
    now = section(page, "On rotation now")
    for name in ("Priya Nair", "Amara Okafor", "Keegan Carruthers-Smith"):
        assert page.get_by_text(name).first.is_visible()
        assert name in now
    assert "Diego Ramos" not in now, "Diego is away; Amara covers"
    assert "until Sat 2026-12-12 09:00 PST" in now.replace("\n", " ")
    upcoming = section(page, "Next handoff")
    assert "From Sat 2026-12-12 09:00 PST" in upcoming and "Diego Ramos" in upcoming
    table = page.get_by_role("table")
    document = json.loads((site / "now.json").read_text())
    rows = table.locator("tbody tr")
    assert rows.count() == len(document["upcoming"]) >= 3
    for index, shift in enumerate(document["upcoming"]):
        cells = rows.nth(index).locator("td")
        assert shift["since"][:10] in cells.nth(0).inner_text()
        names = cells.nth(2).inner_text()
        assert all(e["name"] in names for e in shift["engineers"])
    assert [h.inner_text() for h in table.locator("th").all()] == \
        ["From", "Until", "On rotation"]
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width][0], \
        "nothing wider than the screen"
    assert ("your time" in page.inner_text("body")) is javascript
    assert all(url.startswith("file://") for url in requests), requests
    page.context.close()


def test_with_javascript_times_are_also_in_the_readers_own_timezone(
        browser: Any, site: Path) -> None:
    page, _ = open_page(browser, site, "desktop", javascript=True, zone="Asia/Tokyo")
    upcoming = section(page, "Next handoff")
    assert "(Sun 2026-12-13 02:00 your time)" in upcoming
    assert "your timezone (Asia/Tokyo)" in page.inner_text("#zone-note")
    page.context.close()
    same, _ = open_page(browser, site, "desktop", javascript=True,
                        zone="America/Los_Angeles")
    assert "your time" not in same.inner_text("body"), "the reader's zone is the page's"
    same.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_axe_finds_no_serious_accessibility_violation(browser: Any, site: Path,
                                                      width: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, _ = open_page(browser, site, width, javascript=True)
    results = Axe().run(page)
    serious = [(v["id"], v["impact"], v["help"]) for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert results.response["passes"], "axe ran its rules"
    page.context.close()


def test_without_chromium_they_skip_naming_the_package_and_fail_under_ci(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="never skip"):
        require_chromium()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="Debian package `chromium`"):
        require_chromium()
