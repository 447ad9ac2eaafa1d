"""`propose` in a run: the time off and the served-time history it plans with, and
`--write` (the CSV file or the Sheets tab; never the Rotations tab)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sync.clients.files import write_atomically
from sync.config.model import Config
from sync.config.sections import CsvSource, SheetsSource
from sync.core.findings import Finding, Findings
from sync.core.lived.absence import Absence
from sync.core.lived.roster import Roster
from sync.core.planner.pool import Busy
from sync.core.planner.propose import Proposal, ProposeSettings, propose
from sync.core.tabs.raw import RawRoster
from sync.errors import ConfigError
from sync.run.served import served_view
from sync.run.time_off import report_unreadable, time_off_check
from sync.sources.csv import to_csv

HEADER = ["Start", "End", "Engineers", "Fills", "Reason"]


def plan_proposals(config: Config, roster: Roster, raw: RawRoster, now: datetime,
                   until: date | None = None, busy: Busy | None = None
                   ) -> tuple[list[Proposal], list[Finding]]:
    """The proposals and the planner's findings (time off that could not be read among
    them). `busy`: other rosters' bookings, from the fleet."""
    today = roster.day_of(now)
    section = config.propose
    settings = ProposeSettings(
        until=until or today + timedelta(days=section.horizon_days),
        length_days=section.length_days, engineers=section.engineers,
        min_gap_days=section.min_gap_days, max_per_team=section.max_per_team,
        rotations_tab=raw.rotations.name, people_tab=raw.people.name,
        proposed_tab=section.tab if isinstance(config.source, SheetsSource) else "Proposed")
    problems = Findings()
    absences = time_off(config, roster, today, settings.until + timedelta(days=70), problems,
                        raw.people.name)
    served = [day.entry for day in served_view(config, roster, now)]
    proposals, found = propose(roster, today, settings, absences, served, busy)
    return proposals, problems.items + found


def time_off(config: Config, roster: Roster, first: date, last: date, findings: Findings,
             people_tab: str) -> list[Absence]:
    """Every configured source's time off from `first` to `last`, for everyone Eligible
    (the Time off tab is on the Roster already)."""
    check = time_off_check(config)
    found: list[Absence] = []
    if check is not None:
        report_unreadable(check.gather_for_planning(roster, first, last, found), people_tab,
                          findings)
    return found


def proposed_rows(proposals: Sequence[Proposal]) -> list[list[str]]:
    """The Rotations layout (Start, End, Engineers) plus Fills and Reason, so a manager
    copies rows into Rotations as they are."""
    rows = [list(HEADER)]
    for proposal in proposals:
        reasons = "; ".join(f"@{pick.handle} {pick.reason}" for pick in proposal.engineers
                            if pick.proposed)
        rows.append([proposal.start.isoformat(), proposal.end.isoformat(),
                     ", ".join(pick.handle for pick in proposal.engineers),
                     str(proposal.fills_row or ""), reasons])
    return rows


def write_proposals(config: Config, proposals: Sequence[Proposal]) -> str:
    """Replace the whole Proposed tab or file; says where it wrote."""
    rows = proposed_rows(proposals)
    refuse_roster_target(config)
    if isinstance(config.source, CsvSource):
        write_atomically(config.propose.file, to_csv(rows))
        return str(config.propose.file)
    from sync.run.proposed_tab import replace_proposed_tab

    replace_proposed_tab(config, rows)
    return f"the '{config.propose.tab}' tab"


def refuse_roster_target(config: Config) -> None:
    """The proposal never overwrites the roster itself: a `[propose]` tab or file that names
    one of the roster's own tabs or files is exit 2, before anything is written."""
    source = config.source
    if isinstance(source, CsvSource):
        taken = [path.resolve() for path in (source.rotations, source.people, source.overrides)
                 if path is not None]
        if config.propose.file.resolve() in taken:
            raise ConfigError(f"[propose] file {config.propose.file} is a roster file; "
                              "choose another file, such as proposed.csv.")
        return
    tabs = [source.rotations_tab, source.people_tab, source.overrides_tab, source.status_tab,
            config.time_off.tab if config.time_off else None]
    if config.propose.tab.lower() in {tab.lower() for tab in tabs if tab}:
        raise ConfigError(f"[propose] tab \"{config.propose.tab}\" is a roster tab; choose "
                          "another tab, such as \"Proposed\".")
