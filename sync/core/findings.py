"""What validation reports: findings a manager can act on, each with a stable code."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]

# Every finding's stable code, for `--json` consumers and the README.
FINDING_CODES: dict[str, tuple[Severity, str]] = {
    "missing-header": ("error", "a required column is missing from a tab's header row"),
    "missing-date": ("error", "a rotation's Start or End is empty"),
    "bad-date": ("error", "a date that is not YYYY-MM-DD text or a real date cell"),
    "end-before-start": ("error", "End is before Start"),
    "overlap": ("error", "two rotations share days"),
    "invalid-handle": ("error", "not a valid GitHub login"),
    "unknown-handle": ("error", "a handle absent from the People tab"),
    "duplicate-engineer": ("error", "the same engineer twice in one rotation"),
    "duplicate-person": ("error", "the same GitHub handle on two People rows"),
    "missing-value": ("error", "a People row without a Name, an Overrides row without an "
                               "Engineer"),
    "bad-email": ("error", "an Email that is not one email address"),
    "unknown-timezone": ("error", "a Timezone that is not an IANA name"),
    "bad-slack-id": ("error", "a Slack ID that is not a member ID"),
    "sheet-error": ("error", "a cell showing a spreadsheet error (#REF!, #N/A, …)"),
    "unsafe-text": ("error", "|, a line break in a handle, HTML or Markdown markup"),
    "csv-encoding": ("error", "a CSV file that is not UTF-8 text"),
    "csv-separator": ("error", "a CSV file separated by ; or tabs instead of commas"),
    "csv-format": ("error", "a CSV file that cannot be read as CSV at all"),
    "extra-cells": ("error", "a CSV row with more cells than the header (an unquoted comma)"),
    "date-out-of-range": ("error", "a date before 1970 or after 2099, which calendars "
                                   "cannot hold"),
    "duplicate-email": ("error", "the same Email on two People rows"),
    "control-character": ("error", "an invisible control character (NUL, VT, FF, ESC…) in a "
                                   "cell"),
    "cell-too-long": ("error", "a cell too long for any target (or for a CSV file)"),
    "empty-roster": ("error", "the Rotations tab has no rotation at all"),
    "override-not-on-rotation": ("error", "an override's Engineer is not on a rotation that "
                                          "holds every day of the override"),
    "override-conflict": ("error", "an override whose Cover is its Engineer or already on the "
                                   "rotation, or two overrides of one engineer sharing a day"),
    "mass-delete": ("error", "the sync would delete most of what rotation-sync owns "
                             "(override: --force-delete)"),
    "rotation-length": ("warning", "shorter than 4 or longer than 10 weeks"),
    "engineer-count": ("warning", "not 3 engineer slots (TBD slots count)"),
    "unfilled-soon": ("warning", "TBD slots in a rotation that starts within 14 days "
                                 "(or is running)"),
    "gap": ("warning", "days between consecutive rotations with nobody on rotation"),
    "timezone-coverage": ("warning", "all engineers' UTC offsets within 3 hours"),
    "no-current-rotation": ("warning", "no rotation contains today"),
    "slack-unmatched": ("warning", "an engineer on rotation now whom Slack cannot match (no "
                                   "account, deactivated, bot, guest, a shared email)"),
    "override-uncovered": ("warning", "an override with no Cover: its days have one engineer "
                                      "fewer"),
    # time off (issue 15)
    "bad-country": ("error", "a People Country that is not a two-letter ISO code"),
    "time-off-conflict": ("warning", "time off during someone's rotation that no Overrides "
                                     "row covers"),
    "time-off-unreadable": ("warning", "a time-off source (a person's calendar, the HR feed, "
                                       "a country's holidays) could not be read"),
    # propose and the served-time record (issue 24)
    "bad-eligible": ("error", "a People Eligible that is not yes, no or empty"),
    "propose-unfilled": ("warning", "`propose` found no engineer free for a slot: it stays "
                                    "TBD"),
    "propose-due-missed": ("warning", "a People Due by that no rotation up to that day can "
                                      "meet"),
    "past-edited": ("warning", "a roster edit changes who served a day the served-time "
                               "record already holds (the record keeps what was served)"),
    # issue 22
    "holiday-on-rotation": ("warning", "a public holiday in an engineer's Country falls on "
                                       "their rotation and no Overrides row plans around it"),
    # fleet (issue 27)
    "double-booked": ("warning", "an engineer on rotation in two rosters of the fleet on the "
                                 "same days"),
}


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    tab: str
    row: int | None
    column: str | None
    message: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Findings:
    """Collects findings and phrases them as '<tab> row <n>: <text>'."""

    items: list[Finding] = field(default_factory=list)

    def add(self, severity: Severity, code: str, tab: str, row: int | None,
            column: str | None, text: str) -> None:
        assert FINDING_CODES[code][0] == severity, code
        where = f"{tab} row {row}" if row is not None else tab
        self.items.append(Finding(severity, code, tab, row, column, f"{where}: {text}"))

    def error(self, code: str, tab: str, row: int | None, column: str | None, text: str) -> None:
        self.add("error", code, tab, row, column, text)

    def warning(self, code: str, tab: str, row: int | None, column: str | None,
                text: str) -> None:
        self.add("warning", code, tab, row, column, text)

    @property
    def has_errors(self) -> bool:
        return any(item.severity == "error" for item in self.items)
