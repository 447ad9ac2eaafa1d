"""The fake GitHub must answer the real PyGithub client (and plain requests) like GitHub does."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
import requests
from github import Auth, Github, GithubException
from github.GithubException import (
    BadCredentialsException,
    RateLimitExceededException,
    UnknownObjectException,
)
from github.Repository import Repository

from tests.helpers import CEILING
from tests.wire.fakes.github import FakeGitHub, blob_sha

REPO = "acme/handbook"
PAGE = "docs/oncall.md"
CRLF_TEXT = "| Rotation | Who |\r\n| --- | --- |\r\n| Primary | Zoë’s team |\r\n" * 3


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    fake.add_repo(REPO, files={PAGE: CRLF_TEXT.encode(), "README.md": b"hello\n"})
    fake.add_repo("acme/secret", files={"x": b"x"})
    fake.add_token("tok-write", {REPO: "write"})
    fake.add_token("tok-read", {REPO: "read"})
    with fake:
        yield fake


def client(server: FakeGitHub, token: str = "tok-write") -> Github:
    return Github(auth=Auth.Token(token), base_url=server.base_url, retry=None,
                  seconds_between_requests=None, seconds_between_writes=None)


@pytest.fixture
def repo(server: FakeGitHub) -> Repository:
    return client(server).get_repo(REPO)


def new_branch(repo: Repository, name: str) -> None:
    repo.create_git_ref(ref=f"refs/heads/{name}", sha=repo.get_branch("main").commit.sha)


def test_get_contents_round_trips_crlf_and_non_ascii(server: FakeGitHub, repo: Repository):
    page = repo.get_contents(PAGE, ref="main")
    assert not isinstance(page, list)
    assert page.decoded_content == CRLF_TEXT.encode()
    assert page.sha == blob_sha(CRLF_TEXT.encode())
    assert blob_sha(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"  # git hash-object
    assert page.url.startswith(server.base_url)
    assert page.html_url == f"https://github.com/{REPO}/blob/main/{PAGE}"

    raw = requests.get(f"{server.base_url}/repos/{REPO}/contents/{PAGE}", timeout=CEILING,
                       headers={"Authorization": "Bearer tok-write"}).json()
    lines = raw["content"].split("\n")
    assert raw["encoding"] == "base64" and raw["content"].endswith("\n")
    assert {len(line) for line in lines[:-2]} == {60} and lines[-1] == ""
    assert base64.b64decode(raw["content"]) == CRLF_TEXT.encode()


def test_update_file_needs_the_current_sha(server: FakeGitHub, repo: Repository):
    page = repo.get_contents(PAGE)
    assert not isinstance(page, list)
    result = repo.update_file(PAGE, "docs: rotate", "new ’ text\n", page.sha, branch="main")
    assert server.file_content(REPO, PAGE) == "new ’ text\n".encode()
    assert server.branch_sha(REPO, "main") == result["commit"].sha
    assert server.log(REPO)[0].message == "docs: rotate"

    with pytest.raises(GithubException) as stale:
        repo.update_file(PAGE, "again", "x", page.sha, branch="main")
    assert stale.value.status == 409
    assert stale.value.data["message"] == f"{PAGE} does not match {page.sha}"

    missing = requests.put(f"{server.base_url}/repos/{REPO}/contents/{PAGE}", timeout=CEILING,
                           headers={"Authorization": "token tok-write"},
                           json={"message": "m", "content": base64.b64encode(b"x").decode()})
    assert missing.status_code == 422
    assert missing.json()["message"] == 'Invalid request.\n\n"sha" wasn\'t supplied.'


def test_a_human_push_makes_the_bots_sha_stale(server: FakeGitHub, repo: Repository):
    page = repo.get_contents(PAGE)
    assert not isinstance(page, list)
    server.set_file(REPO, PAGE, "edited by a human\n")
    with pytest.raises(GithubException) as stale:
        repo.update_file(PAGE, "bot", "bot text\n", page.sha)
    assert stale.value.status == 409


def test_create_file_answers_201_and_content_is_never_a_noop(server: FakeGitHub,
                                                             repo: Repository):
    created = repo.create_file("docs/new.md", "add", "x\n", branch="main")
    assert created["content"].sha == blob_sha(b"x\n")
    before = server.branch_sha(REPO, "main")
    repo.update_file("docs/new.md", "same bytes", "x\n", blob_sha(b"x\n"))
    assert server.branch_sha(REPO, "main") != before  # GitHub commits even without a change


def test_create_git_ref_then_422_on_repeat(server: FakeGitHub, repo: Repository):
    sha = repo.get_branch("main").commit.sha
    ref = repo.create_git_ref(ref="refs/heads/oncall-2025-01-06", sha=sha)
    assert ref.object.sha == sha and ref.url.startswith(server.base_url)
    with pytest.raises(GithubException) as repeat:
        repo.create_git_ref(ref="refs/heads/oncall-2025-01-06", sha=sha)
    assert repeat.value.status == 422
    assert repeat.value.data["message"] == "Reference already exists"
    assert repo.get_git_ref("heads/oncall-2025-01-06").object.sha == sha


def test_create_pull_then_422_on_the_duplicate(server: FakeGitHub, repo: Repository):
    new_branch(repo, "oncall")
    with pytest.raises(GithubException) as empty:
        repo.create_pull(base="main", head="oncall", title="t", body="b")
    assert empty.value.data["errors"][0]["message"] == "No commits between main and oncall"

    page = repo.get_contents(PAGE)
    assert not isinstance(page, list)
    repo.update_file(PAGE, "rotate", "new\n", page.sha, branch="oncall")
    pr = repo.create_pull(base="main", head="oncall", title="On-call", body="table", draft=False)
    assert (pr.number, pr.state, pr.merged) == (1, "open", False)
    assert pr.head.ref == "oncall" and pr.head.label == "acme:oncall"
    assert pr.head.sha == server.branch_sha(REPO, "oncall")
    assert pr.url.startswith(server.base_url)

    with pytest.raises(GithubException) as duplicate:
        repo.create_pull(base="main", head="acme:oncall", title="again", body="")
    assert duplicate.value.status == 422
    assert duplicate.value.data["errors"] == [{
        "resource": "PullRequest", "code": "custom",
        "message": "A pull request already exists for acme:oncall."}]

    pr.edit(title="On-call (updated)", body="new table")
    assert [p.title for p in server.pulls(REPO)] == ["On-call (updated)"]
    server.merge_pull(REPO, 1)
    assert server.file_content(REPO, PAGE) == b"new\n"
    assert repo.get_pull(1).merged


def test_get_pulls_filters_by_owner_and_branch(server: FakeGitHub, repo: Repository):
    for name in ("oncall-a", "oncall-b"):
        new_branch(repo, name)
        server.set_file(REPO, PAGE, f"{name}\n", branch=name)
        repo.create_pull(base="main", head=name, title=name, body="")
    repo.get_pull(2).edit(state="closed")

    assert [p.title for p in repo.get_pulls(state="open", head="acme:oncall-a")] == ["oncall-a"]
    assert list(repo.get_pulls(state="open", head="acme:oncall-b")) == []
    assert [p.number for p in repo.get_pulls(state="all", head="acme:oncall-b")] == [2]
    assert list(repo.get_pulls(state="open", head="someone-else:oncall-a")) == []
    # GitHub quirk: without "owner:" the head filter is ignored.
    assert [p.title for p in repo.get_pulls(state="all", head="oncall-a")] == [
        "oncall-b", "oncall-a"]


def test_bad_token_is_401_bad_credentials(server: FakeGitHub):
    with pytest.raises(BadCredentialsException) as error:
        client(server, "nope").get_repo(REPO)
    assert error.value.status == 401
    assert error.value.data["message"] == "Bad credentials"


def test_no_access_is_404_and_read_only_write_is_403(server: FakeGitHub):
    with pytest.raises(UnknownObjectException):
        client(server).get_repo("acme/secret")
    readonly = client(server, "tok-read").get_repo(REPO)
    assert readonly.permissions.push is False
    with pytest.raises(GithubException) as forbidden:
        readonly.create_git_ref("refs/heads/x", readonly.get_branch("main").commit.sha)
    assert forbidden.value.status == 403
    assert "Resource not accessible" in forbidden.value.data["message"]
    with pytest.raises(UnknownObjectException):
        readonly.get_contents("docs/missing.md")


def test_protected_branch_refuses_direct_writes(server: FakeGitHub, repo: Repository):
    server.protect_branch(REPO, "main")
    assert repo.get_branch("main").protected
    page = repo.get_contents(PAGE)
    assert not isinstance(page, list)
    with pytest.raises(GithubException) as refused:
        repo.update_file(PAGE, "direct", "x", page.sha, branch="main")
    assert refused.value.status == 409
    assert "Changes must be made through a pull request." in refused.value.data["message"]
    assert server.file_content(REPO, PAGE) == CRLF_TEXT.encode()


def test_rate_limit_faults(server: FakeGitHub, repo: Repository):
    server.secondary_rate_limit(r"/contents/", retry_after=1)
    with pytest.raises(RateLimitExceededException) as secondary:
        repo.get_contents(PAGE)
    assert (secondary.value.headers or {}).get("retry-after") == "1"
    assert repo.get_contents(PAGE)  # only one request was refused

    server.primary_rate_limit(r"/pulls", status=429)
    answer = requests.get(f"{server.base_url}/repos/{REPO}/pulls", timeout=CEILING,
                          headers={"Authorization": "token tok-write"})
    assert answer.status_code == 429
    assert answer.headers["x-ratelimit-remaining"] == "0"
    assert int(answer.headers["x-ratelimit-reset"]) > 0


def test_git_data_api_builds_a_commit_on_no_branch(server: FakeGitHub, repo: Repository):
    from github import InputGitTreeElement

    base = repo.get_git_commit(repo.get_branch("main").commit.sha)
    tree = repo.create_git_tree([InputGitTreeElement(PAGE, "100644", "blob", content="new\r\n")],
                                base_tree=base.tree)
    commit = repo.create_git_commit("bot: table", tree, [base])
    assert server.branch_sha(REPO, "main") == base.sha, "no branch moved"
    assert server.file_content(REPO, PAGE, commit.sha) == b"new\r\n"
    assert server.file_content(REPO, "README.md", commit.sha) == b"hello\n", "base_tree kept"
    assert [p.sha for p in commit.parents] == [base.sha]

    bad = requests.post(f"{server.base_url}/repos/{REPO}/git/trees", timeout=CEILING,
                        headers={"Authorization": "token tok-write"},
                        json={"base_tree": base.sha, "tree": [{"path": "x", "mode": "100644",
                                                               "type": "blob", "content": "x"}]})
    assert (bad.status_code, bad.json()["message"]) == (422, "base_tree is not a valid tree oid")


def test_resetting_the_head_to_its_base_closes_the_pull_request(server: FakeGitHub,
                                                                repo: Repository):
    new_branch(repo, "oncall")
    server.set_file(REPO, PAGE, "proposed\n", branch="oncall")
    repo.create_pull(base="main", head="oncall", title="t", body="")
    repo.get_git_ref("heads/oncall").edit(server.branch_sha(REPO, "main") or "", force=True)
    assert [p.state for p in server.pulls(REPO)] == ["closed"]
