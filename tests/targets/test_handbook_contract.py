"""Every handbook backend passes the same HandbookContract, starting from the real page.

The file on disk, and the page on GitHub (the fake, over HTTP with PyGithub) in both modes.
In pull_request mode "the page" is what readers will see once our pull request is merged:
the pull request's version while one is open, the base branch's otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sync.clients.files import read_text, write_atomically
from sync.clients.github import HEAD_BRANCH
from sync.core.diff.plan import TargetPlan
from sync.targets.base import Target
from sync.targets.handbook import file as handbook_file_module
from sync.targets.handbook.file import HandbookFile
from sync.targets.handbook.github import HandbookGithub
from tests.targets.contract import HandbookContract, broken
from tests.wire.fakes.base import Response
from tests.wire.fakes.github import FakeGitHub

ROW = "[@tbliu98](https://github.com/tbliu98), TBD, TBD"
REAL_PAGE = (Path(__file__).resolve().parents[1] / "data" /
             "escalation-engineer-rotation.md").read_bytes()
# The real page without its last row: a page that already says what the roster says is
# left as written, so the first sync needs something to add.
SAMPLE = b"".join(line for line in REAL_PAGE.splitlines(keepends=True)
                  if ROW.encode() not in line)
TAMPERED_ROW = "[@tbliu98](https://github.com/tbliu98)"
REPO = "acme/handbook"
PATH = "content/departments/engineering/escalation-engineer-rotation.md"
TOKEN = "ghp_contracttest0123456789"


def tampered(text: str) -> str:
    assert ROW in text
    return text.replace(ROW, TAMPERED_ROW)


class TestHandbookFile(HandbookContract):
    @pytest.fixture(autouse=True)
    def _page_on_disk(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.path = tmp_path / "escalation-engineer-rotation.md"
        self.path.write_bytes(SAMPLE)
        self.count = 0

        def counting(path: Path, text: str) -> None:
            self.count += 1
            write_atomically(path, text)

        monkeypatch.setattr(handbook_file_module, "write_atomically", counting)

    def make_target(self) -> Target:
        return HandbookFile(self.path)

    def writes(self) -> int:
        return self.count

    @contextmanager
    def failing_half_way(self, plan: TargetPlan) -> Iterator[None]:
        yield from broken(handbook_file_module)

    def tamper(self, target: Target) -> None:
        self.path.write_text(tampered(self.page()), encoding="utf-8", newline="")

    def page(self) -> str:
        return read_text(self.path) or ""


class GithubContract(HandbookContract):
    mode = "commit"

    @pytest.fixture(autouse=True)
    def _page_on_github(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        monkeypatch.setattr("sync.clients.retry.sleep", lambda seconds: None)
        self.fake = FakeGitHub()
        self.fake.add_repo(REPO, {PATH: SAMPLE})
        self.fake.add_token(TOKEN, {REPO: "write"})
        with self.fake:
            yield

    def make_target(self) -> Target:
        return HandbookGithub(REPO, PATH, "main", self.mode, TOKEN,  # type: ignore[arg-type]
                              self.fake.base_url)

    def writes(self) -> int:
        return len(self.fake.write_calls())

    @contextmanager
    def failing_half_way(self, plan: TargetPlan) -> Iterator[None]:
        """Commit mode: the commit is refused; pull_request mode: the commit and the branch
        are pushed, then GitHub fails on the pull request."""
        where = "/contents/" if self.mode == "commit" else "/pulls"
        self.fake.fail(where, Response(502, {"message": "Server Error"}), times=100)
        yield
        with self.fake.lock:
            self.fake.faults.clear()

    def open_pull(self) -> int | None:
        return next((p.number for p in self.fake.pulls(REPO) if p.state == "open"), None)

    def tamper(self, target: Target) -> None:
        """A hand edit of the published table (after merging what we proposed, if any)."""
        number = self.open_pull()
        if number is not None:
            self.fake.merge_pull(REPO, number)
        published = (self.fake.file_content(REPO, PATH) or b"").decode()
        self.fake.set_file(REPO, PATH, tampered(published))

    def page(self) -> str:
        ref = HEAD_BRANCH if self.open_pull() is not None else None
        return (self.fake.file_content(REPO, PATH, ref) or b"").decode()


class TestHandbookGithubCommit(GithubContract):
    mode = "commit"


class TestHandbookGithubPullRequest(GithubContract):
    mode = "pull_request"
