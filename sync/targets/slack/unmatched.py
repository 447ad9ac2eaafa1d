"""`slack-unmatched`: an engineer on rotation now whom Slack cannot match is a warning in
the run's findings (and so in `--json` and the status tab), never only a target note: the
group would otherwise quietly go on without them."""

from __future__ import annotations

from sync.core.findings import Finding, Findings
from sync.core.lived.roster import Person
from sync.targets.slack.directory import Directory

PEOPLE_TAB = "People"


def unmatched(people: tuple[Person, ...], directory: Directory,
              handle: str) -> tuple[Finding, ...]:
    found = Findings()
    for person in people:
        problem = directory.problem(person)
        if problem is not None:
            column = "Slack ID" if person.slack_id else "Email"
            found.warning("slack-unmatched", PEOPLE_TAB, person.row, column,
                          f"{person.name} (@{person.github}) is on rotation now but is not "
                          f"in @{handle}: {problem}. {fix(person, problem)}")
    return tuple(found.items)


def fix(person: Person, problem: str) -> str:
    """What to change, and where, for each way a match fails."""
    if "also on People row" in problem:
        return "Give each person their own Email, or fill in their Slack ID."
    if "deactivated" in problem:
        return "Reactivate the account in Slack, or put their current member ID in Slack ID."
    if "bot" in problem:
        return "Put the person's own Slack member ID in Slack ID."
    if "guest" in problem:
        return "Make them a full member of the Slack workspace."
    if person.slack_id:
        return "Correct the Slack ID (Slack: their profile, ⋮, Copy member ID)."
    return "Correct the Email to their Slack email, or fill in their Slack ID."
