"""The GitHub repository that holds the handbook page (PyGithub): the few calls the
handbook needs, each retried by `sync.clients.retry` and explained in plain words.

PyGithub's own retry and throttling are disabled so `sync.clients.retry` is the one retry
policy (429/5xx, dropped connections, rate limits with the wait GitHub asks for).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, InputGitTreeElement

from sync.clients.retry import DEFAULT_POLICY, Retryable, parse_retry_after, with_retry
from sync.errors import TargetError

T = TypeVar("T")

HEAD_BRANCH = "rotation-sync/rotations-table"
TIMEOUT = 15


@dataclass(frozen=True)
class PageAtCommit:
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
                              "next run will try again. Check [handbook] api_url and the "
                              "network.") from None

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
                allow: tuple[int, ...] = ()) -> PageAtCommit:
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
        return PageAtCommit(text, str(content.sha), ref)

    def read_branch(self, branch: str) -> PageAtCommit:
        return self.page_at(self.tip(branch))

    def page_if_any(self, ref: str, what: str) -> PageAtCommit | None:
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


