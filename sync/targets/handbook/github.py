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

GitHub errors become `TargetError`s written for whoever runs the job; PyGithub's own retry
and throttling are disabled so `sync.clients.retry` is the one retry policy (429/5xx, dropped
connections, rate limits with the wait GitHub asks for).
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

import requests
from github import Auth, Github, GithubException, InputGitTreeElement

from sync.clients.retry import DEFAULT_POLICY, Retryable, parse_retry_after, with_retry
from sync.core.clock import Clock
from sync.core.plan import Change, TargetPlan
from sync.core.roster import Roster
from sync.errors import TargetError
from sync.targets.handbook.model import (
    LAYOUT_KEY,
    STAMP_LINE,
    HandbookTarget,
    RowState,
    cut_page,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
Mode = Literal["pull_request", "commit"]

HEAD_BRANCH = "rotation-sync/rotations-table"
PULL_KEY = "pull-request"
TIMEOUT = 15
VERBS = {"create": "add", "update": "update", "delete": "remove"}
MAX_LISTED = 3  # more changes than this and the title counts them instead of naming them
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class Snapshot:
    """The page as it was at one commit: text, the blob sha GitHub knows it by, the commit."""

    text: str
    blob_sha: str
    commit_sha: str


@dataclass(frozen=True)
class Proposal:
    """Our open pull request (PyGithub's object kept to edit it)."""

    number: int
    url: str
    head_sha: str
    pull: Any


class StaleSha(Exception):
    """The page changed on GitHub since it was read: the write was refused, nothing lost."""


class Refused(Exception):
    """A 409/422 the caller asked to handle itself (an existing ref or pull request)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


# -- retry policy ------------------------------------------------------------------------
def classify(error: Exception) -> Retryable:
    """Transient: dropped connections, 5xx, 429 and rate limits. Never 401/404/409/422."""
    if isinstance(error, requests.ConnectionError | requests.Timeout):
        return Retryable(True)
    if not isinstance(error, GithubException):
        return Retryable(False)
    if error.status >= 500:
        return Retryable(True, parse_retry_after(headers_of(error).get("retry-after")))
    wait = rate_limit_wait(error)
    if wait is not None:  # a reset hours away is not worth waiting for in a nightly job
        return Retryable(wait <= DEFAULT_POLICY.max_total, wait)
    return Retryable(error.status == 429)


def rate_limit_wait(error: GithubException) -> float | None:
    """How long GitHub asks us to wait, for a rate-limited 403/429; None if it is not one."""
    if error.status not in (403, 429):
        return None
    headers = headers_of(error)
    after = parse_retry_after(headers.get("retry-after"))
    if after is not None:
        return after
    reset = parse_retry_after(headers.get("x-ratelimit-reset"))
    if headers.get("x-ratelimit-remaining") == "0" and reset is not None:
        return max(0.0, reset - time.time()) + 1.0
    if "rate limit" in message_of(error).lower():
        return 60.0  # GitHub's advice for a secondary limit without Retry-After
    return None


def headers_of(error: GithubException) -> dict[str, str]:
    return {key.lower(): value for key, value in (error.headers or {}).items()}


def message_of(error: GithubException) -> str:
    data = error.data
    message = data.get("message") if isinstance(data, dict) else data
    details = [item.get("message", "") for item in (data.get("errors") or [])
               if isinstance(item, dict)] if isinstance(data, dict) else []
    return " ".join(str(part).strip() for part in [message, *details] if part)


def is_protected(message: str) -> bool:
    """A ruleset ("Repository rule violations") or classic protection refusing the write."""
    text = message.lower()
    return "rule violation" in text or "protected branch" in text


# -- the repository ----------------------------------------------------------------------
class GithubRepo:
    """The few GitHub calls the handbook needs, each retried and explained in plain words."""

    def __init__(self, repo: str, path: str, branch: str, token: str, api_url: str) -> None:
        self.name, self.path, self.branch, self.api_url = repo, path, branch, api_url
        # lazy: objects are fetched when first used, so getting the repository costs no call
        client = Github(auth=Auth.Token(token), base_url=api_url.rstrip("/"), timeout=TIMEOUT,
                        retry=None, seconds_between_requests=None, seconds_between_writes=None,
                        lazy=True)
        self.repo = client.get_repo(repo)
        self.owner = repo.split("/")[0]

    # -- plumbing ------------------------------------------------------------------------
    def call(self, what: str, action: Callable[[], T], allow: tuple[int, ...] = ()) -> T:
        """Run one API call with the retry policy; errors become TargetError (or Refused)."""
        try:
            return with_retry(action, classify, f"GitHub: {what}")
        except GithubException as error:
            if error.status in allow:
                raise Refused(error.status, message_of(error)) from None
            raise self.explain(error, what) from None
        except (requests.ConnectionError, requests.Timeout) as error:
            raise TargetError(f"[handbook] Could not reach GitHub at {self.api_url} while "
                              f"{what} ({type(error).__name__}), even after retrying; the "
                              "next run will try again.") from None

    def explain(self, error: GithubException, what: str) -> TargetError:
        """A message for whoever runs the job: what failed, why, and what to change."""
        where = f"{self.path} in {self.name} (branch {self.branch})"
        detail = f"{error.status} {message_of(error)}".strip()
        if error.status == 401:
            return TargetError("[handbook] The GitHub token in GITHUB_TOKEN was rejected "
                               f"({detail}) while {what}: it is wrong, expired or revoked. "
                               "Create a new token and update the job's environment.")
        if is_protected(message_of(error)):
            return self.protected()
        if rate_limit_wait(error) is not None:
            return TargetError(f"[handbook] GitHub's rate limit kept refusing requests for "
                               f"{self.name} while {what}, even after waiting; the next run "
                               "will try again.")
        if error.status == 403:
            return TargetError(f"[handbook] GitHub refused access to {where} while {what} "
                               f"({detail}). The token in GITHUB_TOKEN needs Contents: read "
                               f"and write and Pull requests: read and write on {self.name}.")
        if error.status == 404:
            return TargetError(f"[handbook] GitHub cannot find {where} ({detail}) while "
                               f"{what}. Check repo, path and branch under [handbook], and that "
                               "the token in GITHUB_TOKEN may read that repository (GitHub "
                               "answers 404 for repositories a token cannot see).")
        if error.status >= 500:
            return TargetError(f"[handbook] GitHub kept failing ({detail}) while {what} for "
                               f"{self.name}, even after retrying; the next run will try again.")
        return TargetError(f"[handbook] GitHub refused {what} for {where} ({detail}).")

    def protected(self) -> TargetError:
        return TargetError(f"[handbook] {self.name} does not accept direct commits to "
                           f"{self.branch} (branch protection or a ruleset requires a pull "
                           "request). Set mode = \"pull_request\" under [handbook], or let the "
                           "token's account bypass the rule.")

    # -- reading -------------------------------------------------------------------------
    def ref(self, branch: str, allow: tuple[int, ...] = ()) -> Any:
        """A branch's ref, fetched (PyGithub's is lazy; its write URL comes from the answer)."""
        def fetch() -> Any:
            ref = self.repo.get_git_ref(f"heads/{branch}")
            ref.object  # noqa: B018 - completes the lazy object with one GET
            return ref

        return self.call(f"reading branch {branch}", fetch, allow)

    def tip(self, branch: str) -> str:
        return str(self.ref(branch).object.sha)

    def page_at(self, ref: str, what: str = "reading the page",
                allow: tuple[int, ...] = ()) -> Snapshot:
        """The page at a commit sha: read by sha, so text and commit belong together."""
        content = self.call(what, lambda: self.repo.get_contents(self.path, ref=ref), allow)
        if isinstance(content, list):
            raise TargetError(f"[handbook] {self.path} in {self.name} is a folder; set [handbook] "
                              "path to the Markdown page itself.")
        try:
            text = content.decoded_content.decode("utf-8")
        except UnicodeDecodeError:
            raise TargetError(f"[handbook] {self.path} in {self.name} is not UTF-8 text; "
                              "the page was left untouched.") from None
        return Snapshot(text, str(content.sha), ref)

    def read_branch(self, branch: str) -> Snapshot:
        return self.page_at(self.tip(branch))

    def page_if_any(self, ref: str, what: str) -> Snapshot | None:
        """The page at `ref`, or None when it does not exist there (other errors raise)."""
        try:
            return self.page_at(ref, what, allow=(404,))
        except Refused:
            return None

    def parent_of(self, sha: str) -> str | None:
        commit = self.call("reading our pull request's commit",
                           lambda: self.repo.get_git_commit(sha))
        parents = commit.parents
        return str(parents[0].sha) if parents else None

    def open_pull(self) -> Proposal | None:
        """Our open pull request into the base branch (listed by head, owner-qualified)."""
        def first() -> Any:
            pulls = self.repo.get_pulls(state="open", head=f"{self.owner}:{HEAD_BRANCH}",
                                        base=self.branch)
            return next(iter(pulls), None)

        pull = self.call("listing open pull requests", first)
        if pull is None:
            return None
        return Proposal(pull.number, pull.html_url, pull.head.sha, pull)

    # -- writing -------------------------------------------------------------------------
    def put_page(self, text: str, blob_sha: str, message: str) -> None:
        """Commit to the base branch; StaleSha if the page changed since `blob_sha`."""
        try:
            self.call("committing the page", lambda: self.repo.update_file(
                self.path, message, text.encode("utf-8"), blob_sha, branch=self.branch),
                allow=(409, 422))
        except Refused as refused:
            if is_protected(refused.message):
                raise self.protected() from None
            if "does not match" in refused.message or '"sha"' in refused.message:
                raise StaleSha(refused.message) from None
            raise TargetError(f"[handbook] GitHub refused the commit to {self.path} in "
                              f"{self.name} ({refused.status} {refused.message}).") from None

    def commit_on(self, parent_sha: str, text: str, message: str) -> str:
        """A commit = `parent_sha` with the page replaced, on no branch yet (git data API)."""
        parent = self.call("reading the base commit", lambda: self.repo.get_git_commit(parent_sha))
        page = InputGitTreeElement(self.path, "100644", "blob", content=text)
        tree = self.call("preparing the new page", lambda: self.repo.create_git_tree(
            [page], base_tree=parent.tree))
        commit = self.call("preparing the commit", lambda: self.repo.create_git_commit(
            message, tree, [parent]))
        return str(commit.sha)

    def point_branch(self, name: str, sha: str) -> None:
        """Create our branch at `sha`, or move it there (force: it only ever holds our commit)."""
        try:
            ref = self.ref(name, allow=(404,))
        except Refused:
            self.call(f"creating branch {name}",
                      lambda: self.repo.create_git_ref(f"refs/heads/{name}", sha))
            return
        self.call(f"updating branch {name}", lambda: ref.edit(sha, force=True))

    def delete_branch(self, name: str) -> None:
        try:
            ref = self.ref(name, allow=(404,))
            self.call(f"deleting branch {name}", ref.delete, allow=(422,))
        except Refused:
            pass  # already gone: nothing dangling

    def create_pull(self, title: str, body: str) -> Proposal:
        try:
            pull = self.call("opening the pull request", lambda: self.repo.create_pull(
                base=self.branch, head=HEAD_BRANCH, title=title, body=body, draft=False),
                allow=(422,))
        except Refused as refused:
            existing = self.open_pull() if "already exists" in refused.message else None
            if existing is None:
                raise TargetError(f"[handbook] GitHub refused to open the pull request from "
                                  f"{HEAD_BRANCH} into {self.branch} of {self.name} "
                                  f"({refused.status} {refused.message}).") from None
            self.edit_pull(existing, title, body)  # a retried POST had already opened it
            return existing
        return Proposal(pull.number, pull.html_url, pull.head.sha, pull)

    def edit_pull(self, proposal: Proposal, title: str, body: str) -> None:
        self.call(f"updating pull request #{proposal.number}",
                  lambda: proposal.pull.edit(title=title, body=body))

    def close_pull(self, proposal: Proposal) -> None:
        self.call(f"closing pull request #{proposal.number}",
                  lambda: proposal.pull.edit(state="closed"))


# -- the target --------------------------------------------------------------------------
class HandbookGithub(HandbookTarget):
    def __init__(self, repo: str, path: str, branch: str, mode: Mode, token: str,
                 api_url: str = "https://api.github.com", stamp: bool = False) -> None:
        super().__init__(stamp)
        self.github = GithubRepo(repo, path, branch, token, api_url)
        self.mode = mode
        self.proposal: Proposal | None = None

    def read_page(self) -> str:
        self.base = self.github.read_branch(self.github.branch)
        return self.base.text

    def plan(self, roster: Roster, clock: Clock) -> TargetPlan:
        plan = super().plan(roster, clock)  # the rows against the base branch
        if self.mode == "commit":
            return plan
        return self.against_pull_request(plan)

    def apply(self, plan: TargetPlan) -> None:
        if self.proposal is not None and [c.key for c in plan.changes] == [PULL_KEY]:
            self.retire(self.proposal, plan)
        else:
            super().apply(plan)  # → write_page()

    def write_page(self, text: str, plan: TargetPlan) -> None:
        if self.mode == "commit":
            self.commit(text, plan)
        else:
            self.propose(text, plan)

    # -- pull_request mode ---------------------------------------------------------------
    def against_pull_request(self, plan: TargetPlan) -> TargetPlan:
        """Fold our open pull request into the plan (see the module docstring)."""
        self.proposal = proposal = self.github.open_pull()
        branch = self.github.branch
        if not plan.changes:
            if proposal is None:
                return plan
            return replace(plan, changes=[Change(
                "update", PULL_KEY, f"close pull request #{proposal.number}: {branch} already "
                "has the right table")])
        if proposal is not None and self.proposes(proposal, self.wanted(plan)):
            return replace(plan, changes=[], notes=[*plan.notes, (
                f"Already proposed in pull request #{proposal.number} ({proposal.url}); the "
                "page changes when a reviewer merges it.")])
        how = f"updates pull request #{proposal.number}" if proposal else "opens a pull request"
        return replace(plan, notes=[*plan.notes, (
            f"The sync {how} from {HEAD_BRANCH} into {branch}; the page changes when a reviewer "
            "merges it.")])

    def wanted(self, plan: TargetPlan) -> str:
        return self.render_page(cut_page(self.base.text), plan.desired)

    def proposes(self, proposal: Proposal, wanted: str) -> bool:
        """Our pull request holds exactly `wanted`, built on the base's current page.

        The second condition matters when someone edited the page on the base branch
        after we proposed: the old pull request would then conflict or undo that edit.
        """
        head = self.github.page_if_any(proposal.head_sha, "reading our pull request's page")
        if head is None or without_stamp(head.text) != without_stamp(wanted):
            return False  # a stamp dated another day is still the same proposal
        parent = self.github.parent_of(proposal.head_sha)
        if parent is None or parent == self.base.commit_sha:
            return parent is not None
        earlier = self.github.page_if_any(parent, "reading the page our pull request started from")
        return earlier is not None and earlier.blob_sha == self.base.blob_sha

    def propose(self, text: str, plan: TargetPlan) -> None:
        title, body = change_title(plan.changes), pull_body(plan.changes, self.github.path)
        sha = self.github.commit_on(self.base.commit_sha, text, title)
        self.github.point_branch(HEAD_BRANCH, sha)
        if self.proposal is not None:
            self.github.edit_pull(self.proposal, title, body)
            self.report(plan, f"Updated pull request #{self.proposal.number}: "
                              f"{self.proposal.url}")
        else:
            opened = self.github.create_pull(title, body)
            self.report(plan, f"Opened pull request #{opened.number}: {opened.url}")

    def retire(self, proposal: Proposal, plan: TargetPlan) -> None:
        """The base already has the right table: no empty pull request is left behind."""
        self.github.close_pull(proposal)
        self.github.delete_branch(HEAD_BRANCH)
        self.report(plan, f"Closed pull request #{proposal.number}: {self.github.branch} "
                          "already had the right table.")

    # -- commit mode ---------------------------------------------------------------------
    def commit(self, text: str, plan: TargetPlan) -> None:
        message = change_title(plan.changes)
        try:
            self.github.put_page(text, self.base.blob_sha, message)
        except StaleSha:
            log.info("the handbook page changed since it was read; reading it again")
            self.recommit(plan, message)

    def recommit(self, plan: TargetPlan, message: str) -> None:
        """Someone pushed between our read and write: splice into their version, once."""
        fresh = self.github.read_branch(self.github.branch)
        text = self.render_page(cut_page(fresh.text), plan.desired)
        if text == fresh.text:
            self.report(plan, "The page changed meanwhile and already has the right table.")
            return
        try:
            self.github.put_page(text, fresh.blob_sha, message)
        except StaleSha:
            raise TargetError(f"[handbook] {self.github.path} in {self.github.name} changed "
                              "again while rotation-sync was writing it; nothing was "
                              "overwritten and the next run will try again.") from None

    @staticmethod
    def report(plan: TargetPlan, note: str) -> None:
        """The engine reports the plan's notes, so what a write did is added there."""
        log.info("%s", note)
        plan.notes.append(note)


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
        was = f" (was {before.rotation})" if before.rotation != after.rotation else ""
        return (f"- {after.rotation}{was}: {people(before.engineers)} → "
                f"{people(after.engineers)}")
    row = after if isinstance(after, RowState) else before
    assert isinstance(row, RowState)
    return f"- {row.rotation}: {people(row.engineers)}"


def people(cell: str) -> str:
    """`[@a](https://github.com/a), TBD` → `` `@a, TBD` ``: readable, and mentions nobody."""
    return "`" + LINK.sub(r"\1", cell).replace("`", "'") + "`"
