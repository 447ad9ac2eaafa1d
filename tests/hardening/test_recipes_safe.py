"""Recipes are safe as shipped (issue 23, point 7): the Actions workflow keeps no
credential in the workspace and asks for the least permissions; the Apps Script trigger
watches the tabs the rotation-sync config names (and ignores recalculation); a library's
warning (the holidays package's) goes through the tool's logging, never raw to stderr."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.test_time_off_cli import people_with_countries
from tests.conftest import Workspace
from tests.helpers import CEILING, write_roster

CRON = Path(__file__).resolve().parents[2] / "cron"


def workflow() -> dict[Any, Any]:
    return dict(yaml.safe_load((CRON / "github-actions.yml").read_text()))


def test_the_checkout_does_not_persist_its_credentials() -> None:
    steps = workflow()["jobs"]["sync"]["steps"]
    checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(s.get("with", {}).get("persist-credentials") is False
                             for s in checkouts)


def test_the_workflow_asks_for_the_least_permissions() -> None:
    flow = workflow()
    assert flow["permissions"] == {"contents": "read"}
    for job in flow["jobs"].values():
        assert job.get("permissions", {}) in ({}, {"contents": "read"})
    text = (CRON / "github-actions.yml").read_text()
    assert "write-all" not in text and "pull_request_target" not in text


# Apps Script's services, just enough of them. The repository's config renames the tabs;
# scenes: install, an edit of the configured tab, of a tab by the default name, a =NOW()
# recalculation, and GitHub failing to answer for the config later.
HARNESS = r"""
const vm = require('vm'), crypto = require('crypto'), fs = require('fs');
let props = {GITHUB_TOKEN: 'tok-123456', GITHUB_REPOSITORY: 'acme/roster', SPREADSHEET_ID: 's1'};
const CONFIG = '[source]\nkind = "google_sheets"\nrotations_tab = "Rota 2027"\n' +
  "people_tab = 'Folks'\nstatus_tab = \"Sync status\"\n\n[time_off]\ntab = \"Away\"\n";
let now = 1;
const tabs = {'Rota 2027': [['Start'], [{formula: '=NOW()'}]], Folks: [['GitHub']],
              Away: [['GitHub']], Rotations: [['Start']], 'Sync status': [['ok']]};
const dispatches = [], reads = [];
let configStatus = 200;
const cell = v => (v && v.formula) ? (v.formula === '=NOW()' ? now : v.formula) : v;
const sheet = {getName: () => 'Roster', getSheetByName: n => n in tabs ? {getDataRange: () => ({
  getValues: () => tabs[n].map(r => r.map(cell)),
  getFormulas: () => tabs[n].map(r => r.map(v => (v && v.formula) || ''))})} : null};
Object.assign(globalThis, {
  PropertiesService: {getScriptProperties: () => ({
    getProperty: k => (k in props ? props[k] : null), setProperty: (k, v) => { props[k] = v; }})},
  LockService: {getScriptLock: () => ({waitLock() {}, releaseLock() {}})},
  Utilities: {sleep() {},
              computeDigest: (a, s) => [...crypto.createHash('sha256').update(s).digest()],
              base64Encode: b => Buffer.from(b).toString('base64'),
              DigestAlgorithm: {SHA_256: 'SHA_256'}, Charset: {UTF_8: 'UTF_8'}},
  SpreadsheetApp: {openById: id => sheet},
  UrlFetchApp: {fetch: (url, o) => {
    if (o.method === 'get') { reads.push({url, auth: o.headers.Authorization});
                              return {getResponseCode: () => configStatus,
                                      getContentText: () => CONFIG}; }
    dispatches.push(url); return {getResponseCode: () => 204, getContentText: () => ''}; }},
  ScriptApp: {getProjectTriggers: () => [], deleteTrigger() {},
              newTrigger: h => { const b = {forSpreadsheet: () => b, onChange: () => b,
                                            create: () => b}; return b; }},
  console: {log() {}, error() {}},
});
vm.runInThisContext(fs.readFileSync(process.argv[2], 'utf8'));
const out = {};
installTrigger();
out.tabs = JSON.parse(props.TABS_FROM_CONFIG);
now = 2; onRosterChange({source: sheet});
out.afterRecalculation = dispatches.length;
tabs.Rotations.push(['2027-01-04']); onRosterChange({source: sheet});
out.afterUnconfiguredTab = dispatches.length;
tabs['Rota 2027'].push(['2027-01-04']); onRosterChange({source: sheet});
out.afterConfiguredTab = dispatches.length;
configStatus = 502; tabs.Away.push(['ana']); onRosterChange({source: sheet});
out.afterGithubFailed = dispatches.length;
out.reads = reads;
process.stdout.write(JSON.stringify(out) + "\n");
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_apps_script_watches_the_tabs_the_config_names(tmp_path: Path) -> None:
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS)
    result = subprocess.run(["node", str(harness), str(CRON / "apps-script" / "Code.gs")],
                            capture_output=True, text=True, timeout=CEILING)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["tabs"] == ["Rota 2027", "Folks", "Away"], "never the status tab"
    assert out["afterRecalculation"] == 0, "=NOW() recalculating is no edit"
    assert out["afterUnconfiguredTab"] == 0
    assert out["afterConfiguredTab"] == 1
    assert out["afterGithubFailed"] == 2, "the names read before are used"
    assert out["reads"][0] == {
        "url": "https://api.github.com/repos/acme/roster/contents/config/rotation-sync.toml",
        "auth": "Bearer tok-123456"}


def test_a_library_warning_goes_through_the_tools_logging(workspace: Workspace) -> None:
    """holidays warns "available only from 2001 to 2035" for India in 2036."""
    rows = [["Start", "End", "Engineers"], ["2036-01-07", "2036-02-03", "priya-nair"]]
    write_roster(workspace.folder, rotations=rows,
                 people=people_with_countries({"priya-nair": "IN"}))
    workspace.config.write_text(workspace.config.read_text() + "\n[time_off]\nholidays = true\n")
    result = workspace.run("validate", "--today", "2036-01-10", "--log-format", "json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    warned = [line for line in lines if line["logger"] == "py.warnings"]
    assert warned and "2001 to 2035" in warned[0]["message"]
    assert warned[0]["level"] == "WARNING" and "\n" not in warned[0]["message"]
