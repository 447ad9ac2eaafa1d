"""The handbook target's config sections ([handbook], by kind) and how each is built."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from sync.clients.secrets import secret
from sync.core.section import LocalPath, Section
from sync.targets.base import Target

if TYPE_CHECKING:
    from sync.targets.registry import Wiring

class HandbookCommon(Section):
    stamp: bool = Field(False, description='A "Last synced" line under the table.')


class FileHandbook(HandbookCommon):
    kind: Literal["file"]
    path: LocalPath = Field(description="The Markdown page on disk.")


class GithubHandbook(HandbookCommon):
    kind: Literal["github"]
    repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$", description="owner/name of the repository.")
    path: str = Field(description="The page's path inside the repository.")
    branch: str = Field("main", description="The branch the page is read from and merged to.")
    mode: Literal["pull_request", "commit"] = Field(
        "pull_request", description="Open a pull request, or commit straight to `branch`.")
    api_url: str = Field("https://api.github.com",
                         description="GitHub REST root (GitHub Enterprise: https://HOST/api/v3).")


def build_file(wiring: Wiring, section: FileHandbook) -> Target:
    from sync.targets.handbook.file import HandbookFile

    return HandbookFile(section.path, section.stamp)


def build_github(wiring: Wiring, section: GithubHandbook) -> Target:
    from sync.targets.handbook.github import HandbookGithub

    token = secret("GITHUB_TOKEN", "[handbook] kind = \"github\" needs a GitHub token "
                   f"with Contents and Pull requests read/write on {section.repo}.")
    return HandbookGithub(section.repo, section.path, section.branch, section.mode, token,
                          section.api_url, section.stamp, wiring.memory())


def page_url(section: GithubHandbook) -> str:
    """The page as readers see it on GitHub (linked from calendar events)."""
    host = section.api_url.removesuffix("/").removesuffix("/api/v3")
    host = "https://github.com" if host == "https://api.github.com" else host
    return f"{host}/{section.repo}/blob/{section.branch}/{section.path}"
