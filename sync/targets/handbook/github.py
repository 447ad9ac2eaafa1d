"""The handbook page as a file in a GitHub repository, kept current by pull request or commit.

What readers see is the page on the base branch (`branch`), so that is what is read and
compared with the roster. Two ways to change it:

- `mode = "commit"`: a contents-API PUT straight to `branch`, carrying the blob sha the page
  was read at. If someone pushed meanwhile GitHub refuses the stale sha (409); the page is
  then read again, the table spliced into the *new* text and the PUT tried once more, so a
  human's edit elsewhere on the page is never overwritten.
- `mode = "pull_request"`: one commit on top of the base branch's tip, built with the git
  data API (tree + commit) and pointed to by our branch `rotation-sync/rotations-table`,
  with one pull request of ours from it. The commit is built before the branch moves, so
  the branch never passes through "identical to base" — GitHub closes an open pull request
  whose head is reset to its base, which a reset-then-PUT would risk.

The promise "a second sync right after a successful one reports zero changes and makes no
write call" in pull_request mode: the base keeps the old table until a human merges, so a
plain diff against it would show the same changes every night. `plan()` therefore also
reads our open pull request: when it already proposes exactly the page this run would
write (same bytes, built on the base's current page), the plan has no changes and says
"already proposed in pull request #N". When the base already has the right table, the
plan is empty too, unless a pull request of ours is still open: closing it is then the
one planned change, so nothing empty is left dangling.

GitHub's calls and errors are in `sync.clients.github`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from sync.clients.github import (
    HEAD_BRANCH,
    GithubRepo,
    PageAtCommit,
    Proposal,
    StaleSha,
)
from sync.core.diff.plan import Change, TargetPlan
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster
from sync.errors import TargetError
from sync.targets.base import snapshot_of
from sync.targets.handbook.model import (
    LAYOUT_KEY,
    STAMP_LINE,
    HandbookTarget,
    PageSnapshot,
    RowState,
    cut_page,
    parse_rows,
)
from sync.targets.memory import Memory, recall, remember

log = logging.getLogger(__name__)
Mode = Literal["pull_request", "commit"]

PULL_KEY = "pull-request"
VERBS = {"create": "add", "update": "update", "delete": "remove"}
MAX_LISTED = 3  # more changes than this and the title counts them instead of naming them
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
HANDLE = re.compile(r"@[A-Za-z0-9-]+")  # shown in code spans in the body: nobody is mentioned


# -- the target --------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class GithubPage(PageSnapshot):
    """The page on the base branch (text, blob sha, commit) and our open pull request."""

    base: PageAtCommit
    proposal: Proposal | None


class HandbookGithub(HandbookTarget):
    def __init__(self, repo: str, path: str, branch: str, mode: Mode, token: str,
                 api_url: str = "https://api.github.com", stamp: bool = False,
                 memory: Memory | None = None) -> None:
        """`memory` (the state store) remembers whether a pull request of ours is open."""
        super().__init__(stamp)
        self.github = GithubRepo(repo, path, branch, token, api_url)
        self.mode = mode
        self.memory = memory
        self.memory_key = f"handbook:open-pull:{repo}:{branch}:{path}"

    def read(self) -> GithubPage:
        """The base branch's page; in pull_request mode, also our open pull request.

        Commit mode reads the page by branch name: one call, and its blob sha is all the
        commit needs. A pull request is built on a commit, so that mode reads the tip first."""
        branch = self.github.branch
        base = self.github.page_at(branch) if self.mode == "commit" else \
            self.github.read_branch(branch)
        page = cut_page(base.text)
        proposal = self.github.open_pull() if self.mode == "pull_request" else None
        return GithubPage(parse_rows(page.table), page=page, base=base, proposal=proposal)

    def plan(self, roster: Roster, clock: Clock) -> TargetPlan:
        if self.mode == "commit":
            return super().plan(roster, clock)  # the rows against the base branch
        quick = self.quick_plan(roster, clock)
        if quick is not None:
            return quick
        plan = self.against_pull_request(super().plan(roster, clock))
        self.remember_pull(snapshot_of(plan, GithubPage).proposal is not None)
        return plan

    def quick_plan(self, roster: Roster, clock: Clock) -> TargetPlan | None:
        """pull_request mode at the request floor: when no pull request of ours is open (as
        remembered) and the base already has the right table, one read of the page is the
        whole plan. Otherwise None: the tip and our pull request are read as well."""
        if recall(self.memory, self.memory_key) is not False:
            return None
        base = self.github.page_at(self.github.branch)
        page = cut_page(base.text)
        snapshot = GithubPage(parse_rows(page.table), page=page, base=base, proposal=None)
        plan = self.plan_from(snapshot, roster, clock)
        return None if plan.changes else plan

    def remember_pull(self, is_open: bool) -> None:
        remember(self.memory, self.memory_key, is_open)

    def apply(self, plan: TargetPlan) -> list[str]:
        proposal = snapshot_of(plan, GithubPage).proposal
        if proposal is not None and [c.key for c in plan.changes] == [PULL_KEY]:
            return self.retire(proposal)
        return super().apply(plan)  # → write_page()

    def write_page(self, text: str, plan: TargetPlan) -> list[str]:
        if self.mode == "commit":
            return self.commit(text, plan)
        return self.propose(text, plan)

    # -- pull_request mode ---------------------------------------------------------------
    def against_pull_request(self, plan: TargetPlan) -> TargetPlan:
        """Fold our open pull request into the plan (see the module docstring)."""
        snapshot = snapshot_of(plan, GithubPage)
        proposal, branch = snapshot.proposal, self.github.branch
        if not plan.changes:
            if proposal is None:
                return plan
            return replace(plan, changes=[Change(
                "update", PULL_KEY, f"close pull request #{proposal.number}: {branch} already "
                "has the right table")])
        if proposal is not None and self.proposes(proposal, snapshot.base,
                                                  self.render_page(snapshot.page, plan)):
            return replace(plan, changes=[], notes=(*plan.notes, (
                f"Already proposed in pull request #{proposal.number} ({proposal.url}); the "
                "page changes when a reviewer merges it.")))
        how = f"updates pull request #{proposal.number}" if proposal else "opens a pull request"
        return replace(plan, notes=(*plan.notes, (
            f"The sync {how} from {HEAD_BRANCH} into {branch}; the page changes when a reviewer "
            "merges it.")))

    def proposes(self, proposal: Proposal, base: PageAtCommit, wanted: str) -> bool:
        """Our pull request holds exactly `wanted`, built on the base's current page.

        The second condition matters when someone edited the page on the base branch
        after we proposed: the old pull request would then conflict or undo that edit.
        """
        head = self.github.page_if_any(proposal.head_sha, "reading our pull request's page")
        if head is None or without_stamp(head.text) != without_stamp(wanted):
            return False  # a stamp dated another day is still the same proposal
        parent = self.github.parent_of(proposal.head_sha)
        if parent is None or parent == base.commit_sha:
            return parent is not None
        earlier = self.github.page_if_any(parent, "reading the page our pull request started from")
        return earlier is not None and earlier.blob_sha == base.blob_sha

    def propose(self, text: str, plan: TargetPlan) -> list[str]:
        snapshot = snapshot_of(plan, GithubPage)
        title, body = change_title(plan.changes), pull_body(plan.changes, self.github.path)
        sha = self.github.commit_on(snapshot.base.commit_sha, text, title)
        self.github.point_branch(HEAD_BRANCH, sha)
        proposal = snapshot.proposal
        if proposal is not None:
            self.github.edit_pull(proposal, title, body)
            return report(f"Updated pull request #{proposal.number}: {proposal.url}")
        self.remember_pull(True)  # before: a crash after opening must not hide it
        opened = self.github.create_pull(title, body)
        return report(f"Opened pull request #{opened.number}: {opened.url}")

    def retire(self, proposal: Proposal) -> list[str]:
        """The base already has the right table: no empty pull request is left behind."""
        self.github.close_pull(proposal)
        self.remember_pull(False)
        self.github.delete_branch(HEAD_BRANCH)
        return report(f"Closed pull request #{proposal.number}: {self.github.branch} "
                      "already had the right table.")

    # -- commit mode ---------------------------------------------------------------------
    def commit(self, text: str, plan: TargetPlan) -> list[str]:
        message = change_title(plan.changes)
        try:
            self.github.put_page(text, snapshot_of(plan, GithubPage).base.blob_sha, message)
        except StaleSha:
            log.info("the handbook page changed since it was read; reading it again")
            return self.recommit(plan, message)
        return []

    def recommit(self, plan: TargetPlan, message: str) -> list[str]:
        """Someone pushed between our read and write: splice into their version, once."""
        fresh = self.github.read_branch(self.github.branch)
        text = self.render_page(cut_page(fresh.text), plan)
        if text == fresh.text:
            return report("The page changed meanwhile and already has the right table.")
        try:
            self.github.put_page(text, fresh.blob_sha, message)
        except StaleSha:
            raise TargetError(f"[handbook] {self.github.path} in {self.github.name} changed "
                              "again while rotation-sync was writing it; nothing was "
                              "overwritten and the next run will try again.") from None
        return []


def report(note: str) -> list[str]:
    """What a write did, logged and returned as the run's note."""
    log.info("%s", note)
    return [note]


def without_stamp(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not STAMP_LINE.match(line))


# -- what the commit and the pull request say --------------------------------------------
def change_title(changes: list[Change]) -> str:
    """'Rotations table: add 2022-11-08 to 2022-12-05, update 2022-09-07 to 2022-10-09'."""
    if len(changes) > MAX_LISTED:
        return "Rotations table: " + counted(changes)
    return "Rotations table: " + ", ".join(short(change) for change in changes)


def short(change: Change) -> str:
    if change.key == LAYOUT_KEY:
        return "re-format"
    return f"{VERBS[change.action]} {label(change)}"


def counted(changes: list[Change]) -> str:
    counts = Counter(VERBS[change.action] for change in changes if change.key != LAYOUT_KEY)
    return ", ".join(f"{verb} {n} rotation{'s' if n > 1 else ''}"
                     for verb in VERBS.values() if (n := counts[verb]))


def label(change: Change) -> str:
    row = change.after if change.after is not None else change.before
    return row.rotation if isinstance(row, RowState) else change.key


def pull_body(changes: list[Change], path: str) -> str:
    """The rows added, changed and removed, with handles in code so nobody is @-mentioned."""
    lines = [f"The rotation roster changed: this updates the **Rotations** table of `{path}` "
             "to match it.", ""]
    sections: Mapping[str, str] = {"create": "Added", "update": "Changed", "delete": "Removed"}
    for action, heading in sections.items():
        rows = [bullet(c) for c in changes if c.action == action and c.key != LAYOUT_KEY]
        lines += [f"**{heading}**", "", *rows, ""] if rows else []
    if any(change.key == LAYOUT_KEY for change in changes):
        lines += ["**Re-formatted**", "", "- The table's order or spacing had been edited by "
                  "hand; it is written back as Prettier formats it.", ""]
    lines += ["Only the table changes; every other byte of the page is kept. Merge to publish.",
              "", f"The branch `{HEAD_BRANCH}` belongs to rotation-sync and is rewritten "
              "whenever the roster changes: fix the roster rather than this branch."]
    return "\n".join(lines) + "\n"


def bullet(change: Change) -> str:
    before, after = change.before, change.after
    if isinstance(before, RowState) and isinstance(after, RowState):
        words = HANDLE.sub(lambda m: f"`{m.group()}`", "; ".join(after.changes_from(before)))
        return f"- {after.rotation}: {words} (now {people(after.engineers)})"
    row = after if isinstance(after, RowState) else before
    assert isinstance(row, RowState)
    return f"- {row.rotation}: {people(row.engineers)}"


def people(cell: str) -> str:
    """`[@a](https://github.com/a), TBD` → `` `@a, TBD` ``: readable, and mentions nobody."""
    return "`" + LINK.sub(r"\1", cell).replace("`", "'") + "`"
