/**
 * rotation-sync: start the GitHub Actions sync within about a minute of a roster edit,
 * with no server. An installable on-change trigger on the roster sheet waits until the
 * edits stop for QUIET_SECONDS, then, if the roster tabs' values really changed, sends one
 * `repository_dispatch` (event type `roster-edited`) to the repository that holds the
 * rotation-sync workflow (cron/github-actions.yml). The nightly run still repairs drift.
 *
 * Setup (README, "Sync within minutes of an edit, without a server"):
 *   1. script.google.com → New project (a standalone project, so the sheet's editors cannot
 *      read the token), paste this file as Code.gs.
 *   2. Project Settings → Script Properties:
 *        GITHUB_TOKEN       fine-grained token, this one repository, Contents: read and write
 *        GITHUB_REPOSITORY  owner/name of the repository running the workflow
 *        SPREADSHEET_ID     the roster sheet's id (its URL: …/d/<id>/edit)
 *        CONFIG_PATH        optional, default "config/rotation-sync.toml": the workflow's
 *                           config in that repository; the roster's tab names are read from
 *                           its [source] rotations_tab, people_tab, overrides_tab and
 *                           [time_off] tab, so renaming a tab there is all it takes
 *        ROSTER_TABS        optional: tab names separated by commas, instead of the config's
 *        GITHUB_API_URL     optional, GitHub Enterprise: https://HOST/api/v3
 *   3. Run installTrigger once and authorise it; then run testDispatch: a run appears
 *      under the repository's Actions tab.
 * The token is read from Script Properties only; it is never logged.
 */

var EVENT_TYPE = 'roster-edited';   // the workflow's `repository_dispatch: types`
var QUIET_SECONDS = 30;             // edits closer together than this send one dispatch
var HANDLER = 'onRosterChange';
var DEFAULT_CONFIG_PATH = 'config/rotation-sync.toml';
var DEFAULT_TABS = ['Rotations', 'People'];   // the config's defaults when it names none

/** Installs (or re-installs) the on-change trigger for the roster sheet. Run it once. */
function installTrigger() {
  var props = PropertiesService.getScriptProperties();
  required(props, 'GITHUB_TOKEN');
  required(props, 'GITHUB_REPOSITORY');
  var spreadsheet = SpreadsheetApp.openById(required(props, 'SPREADSHEET_ID'));
  removeTriggers();
  ScriptApp.newTrigger(HANDLER).forSpreadsheet(spreadsheet).onChange().create();
  props.setProperty('LAST_SENT_HASH', rosterHash(spreadsheet, props));
  console.log('Installed: edits to "' + spreadsheet.getName() + '" now dispatch "' +
              EVENT_TYPE + '" to ' + required(props, 'GITHUB_REPOSITORY') + '.');
}

/** Removes the trigger: edits no longer start a sync (the nightly run goes on). */
function uninstallTrigger() {
  removeTriggers();
}

/** Sends one dispatch now, to check the token and the repository. */
function testDispatch() {
  dispatch(PropertiesService.getScriptProperties(), 'test');
  console.log('Dispatched "' + EVENT_TYPE + '": look for a new run in the Actions tab.');
}

/**
 * The trigger's handler. Each change stamps LAST_CHANGE and waits QUIET_SECONDS; only the
 * execution whose stamp is still the latest afterwards may dispatch, so a burst of edits
 * sends one. Changes that leave the roster tabs' values as they were (formatting, notes,
 * rotation-sync's own status tab) send nothing.
 */
function onRosterChange(e) {
  var props = PropertiesService.getScriptProperties();
  var lock = LockService.getScriptLock();
  var stamp = Date.now() + '-' + Math.random().toString(36).slice(2);
  lock.waitLock(30000);
  try {
    props.setProperty('LAST_CHANGE', stamp);
  } finally {
    lock.releaseLock();
  }
  Utilities.sleep(QUIET_SECONDS * 1000);
  lock.waitLock(30000);
  try {
    if (props.getProperty('LAST_CHANGE') !== stamp) {
      return;  // a later change is waiting its turn and will dispatch
    }
    var spreadsheet = e && e.source ? e.source
                                    : SpreadsheetApp.openById(required(props, 'SPREADSHEET_ID'));
    var hash = rosterHash(spreadsheet, props);
    if (hash === props.getProperty('LAST_SENT_HASH')) {
      return;
    }
    dispatch(props, hash);
    props.setProperty('LAST_SENT_HASH', hash);  // only once GitHub accepted it
  } finally {
    lock.releaseLock();
  }
}

/** POST /repos/{owner}/{repo}/dispatches; GitHub answers 204 No Content. */
function dispatch(props, hash) {
  var repository = required(props, 'GITHUB_REPOSITORY');
  var api = (props.getProperty('GITHUB_API_URL') || 'https://api.github.com').replace(/\/+$/, '');
  var response = UrlFetchApp.fetch(api + '/repos/' + repository + '/dispatches', {
    method: 'post',
    contentType: 'application/json',
    headers: {
      Authorization: 'Bearer ' + required(props, 'GITHUB_TOKEN'),
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28'
    },
    payload: JSON.stringify({event_type: EVENT_TYPE, client_payload: {roster: hash.slice(0, 12)}}),
    muteHttpExceptions: true
  });
  var code = response.getResponseCode();
  if (code === 204) {
    return;
  }
  var hint = code === 401 ? 'the token is expired or revoked: replace GITHUB_TOKEN'
           : code === 403 || code === 404
             ? 'the token cannot write ' + repository + ' (needs Contents: read and write on it), ' +
               'or GITHUB_REPOSITORY is misspelt'
           : 'GitHub may be failing; the next edit or the nightly run catches up';
  throw new Error('GitHub answered ' + code + ' to the "' + EVENT_TYPE + '" dispatch for ' +
                  repository + ': ' + hint + '.');
}

/**
 * A digest of the roster tabs as typed: equal digests mean nothing the sync reads changed.
 * A cell's formula stands for it, not its result: =NOW() or =RAND() recalculate on every
 * change (rotation-sync's own status-tab writes too) and must not send a dispatch.
 */
function rosterHash(spreadsheet, props) {
  var parts = rosterTabs(props).map(function (name) {
    var sheet = spreadsheet.getSheetByName(name);
    if (!sheet) {
      return null;
    }
    var range = sheet.getDataRange();
    var formulas = range.getFormulas();
    return range.getValues().map(function (row, r) {
      return row.map(function (value, c) { return formulas[r][c] || value; });
    });
  });
  var digest = Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, JSON.stringify(parts),
                                       Utilities.Charset.UTF_8);
  return Utilities.base64Encode(digest);
}

/**
 * The roster's tab names: ROSTER_TABS when set, else those the rotation-sync config in the
 * repository names (read through the contents API with the same token, remembered for the
 * times GitHub cannot answer), else the config's defaults.
 */
function rosterTabs(props) {
  var listed = (props.getProperty('ROSTER_TABS') || '').trim();
  if (listed) {
    return listed.split(',').map(function (name) { return name.trim(); });
  }
  var text = readConfig(props);
  if (text !== null) {
    props.setProperty('TABS_FROM_CONFIG', JSON.stringify(tabsInConfig(text)));
  }
  var known = props.getProperty('TABS_FROM_CONFIG');
  return known ? JSON.parse(known) : DEFAULT_TABS.slice();
}

/** GET /repos/{owner}/{repo}/contents/{path} as raw text; null when it cannot be read. */
function readConfig(props) {
  var repository = required(props, 'GITHUB_REPOSITORY');
  var api = (props.getProperty('GITHUB_API_URL') || 'https://api.github.com').replace(/\/+$/, '');
  var path = props.getProperty('CONFIG_PATH') || DEFAULT_CONFIG_PATH;
  var response = UrlFetchApp.fetch(api + '/repos/' + repository + '/contents/' + path, {
    method: 'get',
    headers: {
      Authorization: 'Bearer ' + required(props, 'GITHUB_TOKEN'),
      Accept: 'application/vnd.github.raw+json',
      'X-GitHub-Api-Version': '2022-11-28'
    },
    muteHttpExceptions: true
  });
  if (response.getResponseCode() !== 200) {
    console.error('GitHub answered ' + response.getResponseCode() + ' for ' + path +
                  ' in ' + repository + '; using the tab names read before.');
    return null;
  }
  return response.getContentText();
}

/** The tab names in a rotation-sync TOML config (string values of the keys that name tabs). */
function tabsInConfig(text) {
  var keys = {source: ['rotations_tab', 'people_tab', 'overrides_tab'], time_off: ['tab']};
  var found = {rotations_tab: 'Rotations', people_tab: 'People'};
  var section = '';
  text.split(/\r?\n/).forEach(function (line) {
    var header = line.match(/^\s*\[\s*([A-Za-z_]+)\s*\]/);
    if (header) {
      section = header[1];
      return;
    }
    var pair = line.match(/^\s*([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')/);
    if (pair && (keys[section] || []).indexOf(pair[1]) >= 0) {
      var value = pair[2] !== undefined ? JSON.parse('"' + pair[2] + '"') : pair[3];
      found[section === 'time_off' ? 'time_off_tab' : pair[1]] = value;
    }
  });
  return ['rotations_tab', 'people_tab', 'overrides_tab', 'time_off_tab']
    .filter(function (key) { return found[key]; })
    .map(function (key) { return found[key]; });
}

function removeTriggers() {
  ScriptApp.getProjectTriggers().forEach(function (trigger) {
    if (trigger.getHandlerFunction() === HANDLER) {
      ScriptApp.deleteTrigger(trigger);
    }
  });
}

function required(props, name) {
  var value = (props.getProperty(name) || '').trim();
  if (!value) {
    throw new Error('Script property ' + name + ' is not set (Project Settings → Script ' +
                    'Properties).');
  }
  return value;
}
