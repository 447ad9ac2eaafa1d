"""A fake GitHub REST API (contents, git refs, branches, pulls) backed by a tiny git model.

The real PyGithub client and plain `requests` talk to it over loopback HTTP, so the sync code's
GitHub layer is exercised end to end: JSON shapes, status codes and error messages follow
api.github.com closely enough that code written against the fake behaves the same in production.

GitHub quirks reproduced on purpose (because sync code has to cope with them):
- every JSON `url` points at this server (PyGithub asserts the host of URLs it follows);
  `html_url` points at https://github.com like the real thing;
- `content` in a contents GET is base64 wrapped with "\\n" every 60 characters;
- a contents PUT always makes a new commit, even when the content is unchanged, and it
  ignores a `?ref=` query parameter (only the `branch` field in the body counts);
- `GET /pulls?head=branch` without the "owner:" prefix silently ignores the head filter;
- `GET /git/refs/heads/x` answers with a *list* when there is no exact match but other refs
  start with that prefix; `/git/ref/heads/x` never does;
- the list endpoint for pulls omits `merged`/`mergeable`, so PyGithub lazily GETs the pull;
- a branch deleted with an open pull request closes that pull request, and so does moving
  the head branch so that it has no commit the base lacks (a "reset to base" force-push);
- the git data API builds commits without touching any branch: `POST /git/trees` (with
  `base_tree` a *tree* sha, else 422 "base_tree is not a valid tree oid") and
  `POST /git/commits` (422 "Tree SHA does not exist" for an unknown tree).

`before(method, path_pattern, action)` runs `action` once just before a matching request is
served, so a test can script a race ("a human pushes between our read and our write").
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote, unquote

from tests.wire.fakes.base import FakeServer, Request, Response

Permission = Literal["none", "read", "write"]
JSON = dict[str, Any]

DOCS = "https://docs.github.com/rest"
DOC_CONTENTS = f"{DOCS}/repos/contents#create-or-update-file-contents"
DOC_REFS = f"{DOCS}/git/refs"
DOC_PULLS = f"{DOCS}/pulls/pulls"
DOC_RATE = f"{DOCS}/overview/rate-limits-for-the-rest-api"
# The shape GitHub uses when a repository ruleset requires pull requests ("Require a pull request
# before merging"). The contents API answers 409 with this message; ref updates answer 422.
# (Classic branch protection says "Protected branch update failed for refs/heads/<b>." instead;
# we model only the ruleset wording, which is what new repositories get.)
RULE_VIOLATION = (
    "Repository rule violations found\n\nChanges must be made through a pull request.\n\n"
)
REPO = r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)"
HTML = "https://github.com"


def blob_sha(content: bytes) -> str:
    """The git object id of a blob, so fake shas match `git hash-object`."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def wrap_base64(content: bytes) -> str:
    """Base64 the way GitHub serves it: a newline after every 60 characters and at the end."""
    encoded = base64.b64encode(content).decode()
    return "".join(encoded[i:i + 60] + "\n" for i in range(0, len(encoded), 60))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _tree_sha(tree: Mapping[str, str]) -> str:
    """A stable id for a (flat) tree; not git's, but equal trees get equal ids."""
    return hashlib.sha1(repr(sorted(tree.items())).encode()).hexdigest()


def _stable_id(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest()[:7], 16)


class ApiError(Exception):
    """Raised by handlers; turned into GitHub's error JSON by the route wrapper."""

    def __init__(self, status: int, message: str, doc: str = DOCS,
                 errors: list[JSON] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.doc, self.errors = status, message, doc, errors

    def response(self) -> Response:
        body: JSON = {"message": self.message, "documentation_url": self.doc,
                      "status": str(self.status)}
        if self.errors is not None:
            body["errors"] = self.errors
        return Response(self.status, body)


def _validation_failed(doc: str, **error: str) -> ApiError:
    return ApiError(422, "Validation Failed", doc, [{"resource": "PullRequest", **error}])


# -- the git model ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Commit:
    sha: str
    tree: Mapping[str, str]  # path -> blob sha
    parents: tuple[str, ...]
    message: str
    author: JSON
    committer: JSON


@dataclass(kw_only=True)
class PullRequest:
    number: int
    title: str
    body: str | None
    head: str  # branch name in the same repository (forks are not modelled)
    base: str
    user: str
    head_sha: str  # frozen once the pull request is closed
    draft: bool = False
    maintainer_can_modify: bool = False
    state: Literal["open", "closed"] = "open"
    merged: bool = False
    merge_commit_sha: str | None = None
    created_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)
    closed_at: str | None = None
    merged_at: str | None = None


@dataclass
class Repo:
    owner: str
    name: str
    default_branch: str
    private: bool
    refs: dict[str, str] = field(default_factory=dict)  # "refs/heads/main" -> commit sha
    commits: dict[str, Commit] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    protected: set[str] = field(default_factory=set)  # branch names refusing direct writes
    pulls: list[PullRequest] = field(default_factory=list)
    trees: dict[str, dict[str, str]] = field(default_factory=dict)  # tree sha -> path -> blob

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def resolve(self, ref: str) -> Commit | None:
        """A branch name, full ref name or commit sha, as GitHub's `?ref=` accepts."""
        for candidate in (ref, f"refs/heads/{ref}", f"refs/tags/{ref}"):
            if candidate in self.refs:
                return self.commits[self.refs[candidate]]
        return self.commits.get(ref)

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        todo, seen = [descendant], set()
        while todo:
            sha = todo.pop()
            if sha == ancestor:
                return True
            if sha not in seen:
                seen.add(sha)
                todo.extend(self.commits[sha].parents)
        return False

    def merge_base(self, a: str, b: str) -> str | None:
        todo = [a]
        ancestors_of_a: set[str] = set()
        while todo:
            sha = todo.pop()
            if sha not in ancestors_of_a:
                ancestors_of_a.add(sha)
                todo.extend(self.commits[sha].parents)
        todo = [b]
        while todo:  # depth-first is good enough for the short histories tests build
            sha = todo.pop(0)
            if sha in ancestors_of_a:
                return sha
            todo.extend(self.commits[sha].parents)
        return None


@dataclass
class Token:
    login: str
    repos: dict[str, Permission]  # lower-cased full name -> permission


@dataclass
class Call:
    """One authorised API call: the request, its URL groups, the repository and the caller."""

    request: Request
    groups: dict[str, str]
    repo: Repo
    login: str
    permission: Permission

    def arg(self, name: str) -> str:
        return unquote(self.groups.get(name) or "")

    def query(self, name: str, default: str | None = None) -> str | None:
        values = self.request.query.get(name)
        return values[-1] if values else default

    def body(self) -> JSON:
        try:
            data = self.request.json()
        except ValueError:
            raise ApiError(400, "Problems parsing JSON") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Problems parsing JSON")
        return data


RepoHandler = Callable[[Call], Response]


class FakeGitHub(FakeServer):
    """GitHub's REST API for one or more in-memory repositories, with helpers for tests."""

    def __init__(self) -> None:
        super().__init__()
        self.repos: dict[str, Repo] = {}
        self.tokens: dict[str, Token] = {}
        self._counter = itertools.count(1)
        self._hooks: list[tuple[str, re.Pattern[str], Callable[[], object]]] = []
        self.route("GET", r"/user", self._get_user)
        api = self._api
        api("GET", "", self._get_repo)
        api("GET", r"/branches", self._list_branches)
        api("GET", r"/branches/(?P<branch>.+)", self._get_branch)
        api("GET", r"/git/ref/(?P<ref>.+)", self._get_ref)
        api("GET", r"/git/refs(?:/(?P<ref>.+))?", self._get_refs)
        api("POST", r"/git/refs", self._create_ref, "write")
        api("PATCH", r"/git/refs/(?P<ref>.+)", self._update_ref, "write")
        api("DELETE", r"/git/refs/(?P<ref>.+)", self._delete_ref, "write")
        api("POST", r"/git/trees", self._create_tree, "write")
        api("POST", r"/git/commits", self._create_commit, "write")
        api("GET", r"/git/commits/(?P<sha>[0-9a-f]{40})", self._get_commit)
        api("GET", r"/git/blobs/(?P<sha>[0-9a-f]{40})", self._get_blob)
        api("GET", r"/contents/?(?P<path>.*)", self._get_contents)
        api("PUT", r"/contents/(?P<path>.+)", self._put_contents, "write")
        api("GET", r"/pulls", self._list_pulls)
        api("POST", r"/pulls", self._create_pull, "write")
        api("GET", r"/pulls/(?P<number>\d+)", self._get_pull)
        api("PATCH", r"/pulls/(?P<number>\d+)", self._update_pull, "write")
        api("GET", r"/(?P<rest>.+)", self._get_raw, prefix=r"/raw/(?P<owner>[^/]+)/(?P<name>[^/]+)")

    # -- test helpers ----------------------------------------------------------------------
    def add_repo(self, full_name: str, files: Mapping[str, bytes | str] | None = None,
                 default_branch: str = "main", private: bool = True) -> Repo:
        """Create a repository whose default branch has one commit holding `files`."""
        owner, name = full_name.split("/")
        repo = Repo(owner, name, default_branch, private)
        with self.lock:
            self.repos[full_name.lower()] = repo
            commit = self._commit(repo, self._encode_files(repo, files or {}), (), "Initial commit",
                                  self._identity("octocat"))
            repo.refs[f"refs/heads/{default_branch}"] = commit.sha
        return repo

    def add_token(self, token: str, repos: Mapping[str, Permission],
                  login: str = "rotation-bot") -> None:
        with self.lock:
            self.tokens[token] = Token(login, {k.lower(): v for k, v in repos.items()})

    def protect_branch(self, repo: str, branch: str, protected: bool = True) -> None:
        with self.lock:
            if protected:
                self._repo(repo).protected.add(branch)
            else:
                self._repo(repo).protected.discard(branch)

    def branch_sha(self, repo: str, branch: str) -> str | None:
        with self.lock:
            return self._repo(repo).refs.get(f"refs/heads/{branch}")

    def file_content(self, repo: str, path: str, ref: str | None = None) -> bytes | None:
        """The bytes of `path` at `ref` (default branch if None), or None if absent."""
        with self.lock:
            r = self._repo(repo)
            commit = r.resolve(ref or r.default_branch)
            if commit is None or path not in commit.tree:
                return None
            return r.blobs[commit.tree[path]]

    def set_file(self, repo: str, path: str, content: bytes | str | None,
                 branch: str | None = None, message: str = "Edit via web UI",
                 login: str = "a-human") -> str:
        """Simulate a human push: a new commit changing (or deleting, if None) one file."""
        with self.lock:
            r = self._repo(repo)
            ref = f"refs/heads/{branch or r.default_branch}"
            tree = dict(r.commits[r.refs[ref]].tree)
            if content is None:
                tree.pop(path, None)
            else:
                tree.update(self._encode_files(r, {path: content}))
            commit = self._commit(r, tree, (r.refs[ref],), message, self._identity(login))
            r.refs[ref] = commit.sha
            return commit.sha

    def log(self, repo: str, ref: str | None = None) -> list[Commit]:
        """First-parent history, newest first, to assert on commit messages."""
        with self.lock:
            r = self._repo(repo)
            commit = r.resolve(ref or r.default_branch)
            history = []
            while commit is not None:
                history.append(commit)
                commit = r.commits[commit.parents[0]] if commit.parents else None
            return history

    def pulls(self, repo: str) -> list[PullRequest]:
        with self.lock:
            return list(self._repo(repo).pulls)

    def merge_pull(self, repo: str, number: int) -> str:
        """Merge like the "Merge" button: fast-forward if possible, else a file-level merge.

        Raises ValueError on a conflict (both sides changed the same file differently).
        """
        with self.lock:
            r = self._repo(repo)
            pr = self._pull(r, number)
            head = r.refs[f"refs/heads/{pr.head}"]
            base_ref = f"refs/heads/{pr.base}"
            base = r.refs[base_ref]
            if r.is_ancestor(base, head):
                merged_sha = head
            else:
                merged_sha = self._three_way(r, base, head, pr).sha
            r.refs[base_ref] = merged_sha
            pr.state, pr.merged, pr.merge_commit_sha, pr.head_sha = "closed", True, merged_sha, head
            pr.closed_at = pr.merged_at = pr.updated_at = _now()
            return merged_sha

    def before(self, method: str, path_pattern: str, action: Callable[[], object]) -> None:
        """Run `action` once, just before the next `method` request matching `path_pattern`."""
        with self.lock:
            self._hooks.append((method, re.compile(path_pattern), action))

    def write_calls(self) -> list[str]:
        """Every non-GET request as "METHOD /path" (URL-decoded), for readable assertions."""
        return [f"{r.method} {unquote(r.path)}" for r in self.writes()]

    def secondary_rate_limit(self, path_pattern: str = ".*", times: int = 1,
                             retry_after: int = 1, method: str | None = None) -> None:
        """GitHub's abuse limit: 403 with Retry-After (PyGithub: RateLimitExceededException)."""
        self.fail(path_pattern, Response(403, {
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes "
                       "before you try again. If you reach out to GitHub Support for help, "
                       "please include the request ID 0000:1111:2222:3333:4444.",
            "documentation_url": f"{DOC_RATE}#about-secondary-rate-limits", "status": "403",
        }, {"Retry-After": str(retry_after)}), times, method)

    def primary_rate_limit(self, path_pattern: str = ".*", times: int = 1, status: int = 403,
                           reset_in: int = 1, method: str | None = None) -> None:
        """The hourly quota: 403 (or 429) with x-ratelimit-remaining 0 and a reset epoch."""
        self.fail(path_pattern, Response(status, {
            "message": "API rate limit exceeded for user ID 1.",
            "documentation_url": DOC_RATE, "status": str(status),
        }, {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0",
            "x-ratelimit-used": "5000", "x-ratelimit-resource": "core",
            "x-ratelimit-reset": str(int(time.time()) + reset_in)}), times, method)

    # -- plumbing --------------------------------------------------------------------------
    def dispatch(self, request: Request) -> Response:
        """Add the headers every GitHub answer carries (faults keep their own values)."""
        self._run_hooks(request)
        response = super().dispatch(request)
        if response.status == -1:
            return response
        defaults = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999",
                    "x-ratelimit-used": "1", "x-ratelimit-resource": "core",
                    "x-ratelimit-reset": str(int(time.time()) + 3600),
                    "X-GitHub-Media-Type": "github.v3; format=json"}
        return Response(response.status, response.body, {**defaults, **response.headers})

    def not_found(self, request: Request) -> Response:
        return ApiError(404, "Not Found").response()

    def _run_hooks(self, request: Request) -> None:
        with self.lock:
            hook = next((h for h in self._hooks
                         if h[0] == request.method and h[1].search(unquote(request.path))), None)
            if hook is not None:
                self._hooks.remove(hook)
        if hook is not None:
            hook[2]()

    def _api(self, method: str, suffix: str, handler: RepoHandler,
             access: Permission = "read", prefix: str = REPO) -> None:
        def wrapped(request: Request, match: Any) -> Response:
            try:
                login, token = self._authenticate(request)
                repo = self.repos.get(f"{match['owner']}/{match['name']}".lower())
                permission: Permission = token.repos.get(repo.full_name.lower(), "none") \
                    if repo else "none"
                if repo is None or (repo.private and permission == "none"):
                    raise ApiError(404, "Not Found")  # GitHub hides what you cannot see
                if access == "write" and permission != "write":
                    raise ApiError(403, "Resource not accessible by personal access token")
                return handler(Call(request, match.groupdict(), repo, login, permission))
            except ApiError as error:
                return error.response()

        self.route(method, prefix + suffix, wrapped)

    def _authenticate(self, request: Request) -> tuple[str, Token]:
        # GitHub would let anonymous callers read public repositories and answer 404 for
        # private ones; the sync job always sends a token, so no token at all is a 401 here.
        header = request.headers.get("authorization", "")
        if not header:
            raise ApiError(401, "Requires authentication")
        scheme, _, secret = header.partition(" ")
        token = self.tokens.get(secret.strip()) if scheme.lower() in ("token", "bearer") else None
        if token is None:
            raise ApiError(401, "Bad credentials")
        return token.login, token

    def _repo(self, full_name: str) -> Repo:
        return self.repos[full_name.lower()]

    def _pull(self, repo: Repo, number: int) -> PullRequest:
        for pr in repo.pulls:
            if pr.number == number:
                return pr
        raise ApiError(404, "Not Found", DOC_PULLS)

    def _encode_files(self, repo: Repo, files: Mapping[str, bytes | str]) -> dict[str, str]:
        tree = {}
        for path, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            tree[path] = blob_sha(data)
            repo.blobs[tree[path]] = data
        return tree

    def _commit(self, repo: Repo, tree: Mapping[str, str], parents: tuple[str, ...],
                message: str, author: JSON, committer: JSON | None = None) -> Commit:
        seed = f"{next(self._counter)}\0{sorted(tree.items())}\0{parents}\0{message}"
        commit = Commit(hashlib.sha1(seed.encode()).hexdigest(), dict(tree), parents, message,
                        author, committer or author)
        repo.commits[commit.sha] = commit
        repo.trees[_tree_sha(commit.tree)] = dict(commit.tree)
        return commit

    def _three_way(self, r: Repo, base: str, head: str, pr: PullRequest) -> Commit:
        ancestor = r.merge_base(base, head)
        old = r.commits[ancestor].tree if ancestor else {}
        ours, theirs = r.commits[base].tree, r.commits[head].tree
        tree = dict(ours)
        for path in set(old) | set(theirs):
            if theirs.get(path) == old.get(path):
                continue
            if ours.get(path) not in (old.get(path), theirs.get(path)):
                raise ValueError(f"merge conflict in {path}")
            if path in theirs:
                tree[path] = theirs[path]
            else:
                tree.pop(path, None)
        message = f"Merge pull request #{pr.number} from {r.owner}/{pr.head}\n\n{pr.title}"
        return self._commit(r, tree, (base, head), message, self._identity("web-flow"))

    @staticmethod
    def _identity(login: str) -> JSON:
        return {"name": login, "email": f"{_stable_id(login)}+{login}@users.noreply.github.com",
                "date": _now()}

    # -- JSON shapes -------------------------------------------------------------------------
    def _user_json(self, login: str, kind: str = "User") -> JSON:
        url = f"{self.base_url}/users/{login}"
        return {"login": login, "id": _stable_id(login), "node_id": f"U_{_stable_id(login)}",
                "type": kind, "site_admin": False, "url": url, "html_url": f"{HTML}/{login}",
                "repos_url": f"{url}/repos", "avatar_url": ""}

    def _repo_json(self, repo: Repo, permission: Permission | None = None) -> JSON:
        api = f"{self.base_url}/repos/{repo.full_name}"
        data: JSON = {
            "id": _stable_id(repo.full_name), "node_id": f"R_{_stable_id(repo.full_name)}",
            "name": repo.name, "full_name": repo.full_name, "private": repo.private,
            "visibility": "private" if repo.private else "public",
            "owner": self._user_json(repo.owner, "Organization"),
            "html_url": f"{HTML}/{repo.full_name}", "description": None, "fork": False,
            "url": api, "default_branch": repo.default_branch, "archived": False,
            "disabled": False, "branches_url": f"{api}/branches{{/branch}}",
            "contents_url": f"{api}/contents/{{+path}}", "git_refs_url": f"{api}/git/refs{{/sha}}",
            "pulls_url": f"{api}/pulls{{/number}}", "clone_url": f"{HTML}/{repo.full_name}.git",
            "created_at": "2024-01-01T00:00:00Z", "updated_at": _now(), "pushed_at": _now(),
        }
        if permission is not None:
            write = permission == "write"
            data["permissions"] = {"admin": False, "maintain": False, "push": write,
                                   "triage": write, "pull": True}
        return data

    def _commit_json(self, repo: Repo, commit: Commit) -> JSON:
        api = f"{self.base_url}/repos/{repo.full_name}"
        tree_sha = _tree_sha(commit.tree)
        return {
            "sha": commit.sha, "node_id": f"C_{commit.sha[:12]}",
            "url": f"{api}/git/commits/{commit.sha}",
            "html_url": f"{HTML}/{repo.full_name}/commit/{commit.sha}",
            "author": commit.author, "committer": commit.committer, "message": commit.message,
            "tree": {"sha": tree_sha, "url": f"{api}/git/trees/{tree_sha}"},
            "parents": [{"sha": p, "url": f"{api}/git/commits/{p}",
                         "html_url": f"{HTML}/{repo.full_name}/commit/{p}"}
                        for p in commit.parents],
            "verification": {"verified": False, "reason": "unsigned", "signature": None,
                             "payload": None, "verified_at": None},
        }

    def _tree_json(self, repo: Repo, sha: str, tree: Mapping[str, str]) -> JSON:
        """The top level of a tree, as GitHub lists it (subfolders as "tree" entries)."""
        api = f"{self.base_url}/repos/{repo.full_name}"
        top: dict[str, JSON] = {}
        for path, blob in sorted(tree.items()):
            name, _, rest = path.partition("/")
            if rest:
                folder = hashlib.sha1(name.encode()).hexdigest()
                top.setdefault(name, {"path": name, "mode": "040000", "type": "tree",
                                      "sha": folder, "url": f"{api}/git/trees/{folder}"})
            else:
                top[name] = {"path": name, "mode": "100644", "type": "blob", "sha": blob,
                             "size": len(repo.blobs[blob]), "url": f"{api}/git/blobs/{blob}"}
        return {"sha": sha, "url": f"{api}/git/trees/{sha}", "tree": list(top.values()),
                "truncated": False}

    def _ref_json(self, repo: Repo, ref: str) -> JSON:
        api = f"{self.base_url}/repos/{repo.full_name}"
        sha = repo.refs[ref]
        return {"ref": ref, "node_id": f"REF_{_stable_id(repo.full_name + ref)}",
                "url": f"{api}/git/{quote(ref)}",
                "object": {"type": "commit", "sha": sha, "url": f"{api}/git/commits/{sha}"}}

    def _entry_json(self, repo: Repo, path: str, ref: str, sha: str, kind: str = "file",
                    size: int = 0) -> JSON:
        api = f"{self.base_url}/repos/{repo.full_name}"
        self_url = f"{api}/contents/{quote(path)}?ref={quote(ref, safe='')}"
        git_url = f"{api}/git/{'blobs' if kind == 'file' else 'trees'}/{sha}"
        html_url = f"{HTML}/{repo.full_name}/{'blob' if kind == 'file' else 'tree'}/{ref}/{path}"
        download = f"{self.base_url}/raw/{repo.full_name}/{ref}/{quote(path)}"
        return {"type": kind, "name": path.rsplit("/", 1)[-1], "path": path, "sha": sha,
                "size": size, "url": self_url, "git_url": git_url, "html_url": html_url,
                "download_url": download if kind == "file" else None,
                "_links": {"self": self_url, "git": git_url, "html": html_url}}

    def _pull_json(self, repo: Repo, pr: PullRequest, full: bool = True) -> JSON:
        api = f"{self.base_url}/repos/{repo.full_name}"
        url, html = f"{api}/pulls/{pr.number}", f"{HTML}/{repo.full_name}/pull/{pr.number}"
        head_sha = repo.refs.get(f"refs/heads/{pr.head}", pr.head_sha) \
            if pr.state == "open" else pr.head_sha
        base_sha = repo.refs.get(f"refs/heads/{pr.base}", "")
        owner_json, repo_json = self._user_json(repo.owner, "Organization"), self._repo_json(repo)

        def side(branch: str, sha: str) -> JSON:
            return {"label": f"{repo.owner}:{branch}", "ref": branch, "sha": sha,
                    "user": owner_json, "repo": repo_json}

        data: JSON = {
            "url": url, "id": _stable_id(f"{repo.full_name}#{pr.number}"),
            "node_id": f"PR_{pr.number}", "html_url": html, "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch", "issue_url": f"{api}/issues/{pr.number}",
            "commits_url": f"{url}/commits", "comments_url": f"{api}/issues/{pr.number}/comments",
            "review_comments_url": f"{url}/comments", "statuses_url": f"{api}/statuses/{head_sha}",
            "number": pr.number, "state": pr.state, "locked": False, "title": pr.title,
            "user": self._user_json(pr.user), "body": pr.body, "labels": [], "milestone": None,
            "created_at": pr.created_at, "updated_at": pr.updated_at, "closed_at": pr.closed_at,
            "merged_at": pr.merged_at, "merge_commit_sha": pr.merge_commit_sha, "assignee": None,
            "assignees": [], "requested_reviewers": [], "requested_teams": [],
            "head": side(pr.head, head_sha), "base": side(pr.base, base_sha),
            "_links": {"self": {"href": url}, "html": {"href": html},
                       "issue": {"href": f"{api}/issues/{pr.number}"}},
            "author_association": "MEMBER", "auto_merge": None, "draft": pr.draft,
        }
        if full:  # only the single-pull endpoints carry these
            data.update({"merged": pr.merged, "mergeable": pr.state == "open" or None,
                         "mergeable_state": "clean" if pr.state == "open" else "unknown",
                         "merged_by": None, "comments": 0, "review_comments": 0,
                         "maintainer_can_modify": pr.maintainer_can_modify, "commits": 1,
                         "additions": 0, "deletions": 0, "changed_files": 0})
        return data

    def _paginate(self, call: Call, items: list[JSON]) -> Response:
        """GitHub paging: per_page (default 30, max 100), page, and a Link header."""
        per_page = min(int(call.query("per_page", "30") or 30), 100)
        page = int(call.query("page", "1") or 1)
        last = max(1, -(-len(items) // per_page))
        query = {k: v[-1] for k, v in call.request.query.items() if k != "page"}
        query["per_page"] = str(per_page)

        def link(n: int) -> str:
            params = "&".join(f"{k}={quote(v, safe='')}"
                              for k, v in {**query, "page": str(n)}.items())
            return f"<{self.base_url}{call.request.path}?{params}>"

        rels = [(page + 1, "next"), (last, "last")] if page < last else []
        rels += [(1, "first"), (page - 1, "prev")] if page > 1 else []
        headers = {"Link": ", ".join(f'{link(n)}; rel="{rel}"' for n, rel in rels)} if rels else {}
        return Response(200, items[(page - 1) * per_page:page * per_page], headers)

    # -- handlers: user, repository, branches, refs ---------------------------------------------
    def _get_user(self, request: Request, _match: Any) -> Response:
        try:
            login, _ = self._authenticate(request)
        except ApiError as error:
            return error.response()
        return Response(200, self._user_json(login))

    def _get_repo(self, call: Call) -> Response:
        return Response(200, self._repo_json(call.repo, call.permission))

    def _branch_json(self, repo: Repo, branch: str) -> JSON:
        api = f"{self.base_url}/repos/{repo.full_name}"
        commit = repo.commits[repo.refs[f"refs/heads/{branch}"]]
        protected = branch in repo.protected
        return {
            "name": branch,
            "commit": {"sha": commit.sha, "node_id": f"C_{commit.sha[:12]}",
                       "url": f"{api}/commits/{commit.sha}",
                       "html_url": f"{HTML}/{repo.full_name}/commit/{commit.sha}",
                       "commit": self._commit_json(repo, commit),
                       "author": None, "committer": None, "parents": []},
            "_links": {"self": f"{api}/branches/{quote(branch)}",
                       "html": f"{HTML}/{repo.full_name}/tree/{branch}"},
            "protected": protected,
            "protection": {"enabled": protected, "required_status_checks": {
                "enforcement_level": "off", "contexts": [], "checks": []}},
            "protection_url": f"{api}/branches/{quote(branch)}/protection",
        }

    def _list_branches(self, call: Call) -> Response:
        names = sorted(r.removeprefix("refs/heads/") for r in call.repo.refs
                       if r.startswith("refs/heads/"))
        return self._paginate(call, [
            {k: v for k, v in self._branch_json(call.repo, n).items() if k != "_links"}
            for n in names])

    def _get_branch(self, call: Call) -> Response:
        branch = call.arg("branch")
        if f"refs/heads/{branch}" not in call.repo.refs:
            raise ApiError(404, "Branch not found", f"{DOCS}/branches/branches#get-a-branch")
        return Response(200, self._branch_json(call.repo, branch))

    def _get_ref(self, call: Call) -> Response:
        ref = f"refs/{call.arg('ref')}"
        if ref not in call.repo.refs:
            raise ApiError(404, "Not Found", DOC_REFS)
        return Response(200, self._ref_json(call.repo, ref))

    def _get_refs(self, call: Call) -> Response:
        ref = f"refs/{call.arg('ref')}" if call.arg("ref") else "refs/"
        if ref in call.repo.refs:
            return Response(200, self._ref_json(call.repo, ref))
        matches = [self._ref_json(call.repo, r) for r in sorted(call.repo.refs)
                   if r.startswith(ref)]
        if not matches:
            raise ApiError(404, "Not Found", DOC_REFS)
        return Response(200, matches)

    def _create_ref(self, call: Call) -> Response:
        body = call.body()
        ref, sha = body.get("ref"), body.get("sha")
        if not isinstance(ref, str) or not ref.startswith("refs/") or ref.count("/") < 2:
            raise ApiError(422, "Reference name is invalid", DOC_REFS)
        if not isinstance(sha, str) or sha not in call.repo.commits:
            raise ApiError(422, "Object does not exist", DOC_REFS)
        if ref in call.repo.refs:
            raise ApiError(422, "Reference already exists", DOC_REFS)
        call.repo.refs[ref] = sha
        data = self._ref_json(call.repo, ref)
        return Response(201, data, {"Location": data["url"]})

    def _update_ref(self, call: Call) -> Response:
        ref, body = f"refs/{call.arg('ref')}", call.body()
        sha, force = body.get("sha"), bool(body.get("force", False))
        if ref not in call.repo.refs:
            raise ApiError(422, "Reference does not exist", DOC_REFS)
        if not isinstance(sha, str) or sha not in call.repo.commits:
            raise ApiError(422, "Object does not exist", DOC_REFS)
        if not force and not call.repo.is_ancestor(call.repo.refs[ref], sha):
            raise ApiError(422, "Update is not a fast forward", DOC_REFS)
        if ref.removeprefix("refs/heads/") in call.repo.protected:
            raise ApiError(422, RULE_VIOLATION, DOC_REFS)
        call.repo.refs[ref] = sha
        self._close_emptied_pulls(call.repo, ref.removeprefix("refs/heads/"))
        return Response(200, self._ref_json(call.repo, ref))

    def _close_emptied_pulls(self, repo: Repo, head: str) -> None:
        """GitHub closes an open pull whose head was moved to (an ancestor of) its base."""
        for pr in repo.pulls:
            base_sha = repo.refs.get(f"refs/heads/{pr.base}")
            head_sha = repo.refs.get(f"refs/heads/{head}")
            if pr.state == "open" and pr.head == head and base_sha and head_sha \
                    and repo.is_ancestor(head_sha, base_sha):
                pr.state, pr.head_sha, pr.closed_at = "closed", head_sha, _now()

    def _create_tree(self, call: Call) -> Response:
        repo, body = call.repo, call.body()
        base = body.get("base_tree")
        if base is not None and base not in repo.trees:
            raise ApiError(422, "base_tree is not a valid tree oid", f"{DOCS}/git/trees")
        entries = body.get("tree")
        if not isinstance(entries, list) or not entries:
            raise ApiError(422, "Invalid tree info", f"{DOCS}/git/trees")
        tree = dict(repo.trees[base]) if base else {}
        for entry in entries:
            self._apply_tree_entry(repo, tree, entry)
        sha = _tree_sha(tree)
        repo.trees[sha] = tree
        return Response(201, self._tree_json(repo, sha, tree))

    def _apply_tree_entry(self, repo: Repo, tree: dict[str, str], entry: Any) -> None:
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not path or entry.get("type", "blob") != "blob":
            raise ApiError(422, "Invalid tree info", f"{DOCS}/git/trees")
        if isinstance(entry.get("content"), str):
            tree.update(self._encode_files(repo, {path: entry["content"]}))
        elif entry.get("sha") is None and "sha" in entry:
            tree.pop(path, None)  # `"sha": null` deletes the file
        elif entry.get("sha") in repo.blobs:
            tree[path] = entry["sha"]
        else:
            raise ApiError(422, "Invalid tree info", f"{DOCS}/git/trees")

    def _create_commit(self, call: Call) -> Response:
        repo, body = call.repo, call.body()
        if not isinstance(body.get("message"), str):
            raise ApiError(422, 'Invalid request.\n\n"message" wasn\'t supplied.',
                           f"{DOCS}/git/commits")
        tree = repo.trees.get(str(body.get("tree")))
        if tree is None:
            raise ApiError(422, "Tree SHA does not exist", f"{DOCS}/git/commits")
        parents = tuple(body.get("parents") or ())
        if any(parent not in repo.commits for parent in parents):
            raise ApiError(422, "Parent SHA does not exist or is not a commit object",
                           f"{DOCS}/git/commits")
        author = {**self._identity(call.login), **(body.get("author") or {})}
        commit = self._commit(repo, tree, parents, body["message"], author,
                              {**self._identity(call.login), **(body.get("committer") or {})})
        return Response(201, self._commit_json(repo, commit),
                        {"Location": f"{self.base_url}/repos/{repo.full_name}/git/commits/"
                                     f"{commit.sha}"})

    def _delete_ref(self, call: Call) -> Response:
        ref = f"refs/{call.arg('ref')}"
        if ref not in call.repo.refs:
            raise ApiError(422, "Reference does not exist", DOC_REFS)
        branch = ref.removeprefix("refs/heads/")
        if branch in call.repo.protected:
            raise ApiError(422, RULE_VIOLATION, DOC_REFS)
        sha = call.repo.refs.pop(ref)
        for pr in call.repo.pulls:
            if pr.state == "open" and branch in (pr.head, pr.base):
                pr.state, pr.head_sha, pr.closed_at = "closed", sha, _now()
        return Response(204)

    def _get_commit(self, call: Call) -> Response:
        commit = call.repo.commits.get(call.arg("sha"))
        if commit is None:
            raise ApiError(404, "Not Found", DOC_REFS)
        return Response(200, self._commit_json(call.repo, commit))

    def _get_blob(self, call: Call) -> Response:
        data = call.repo.blobs.get(call.arg("sha"))
        if data is None:
            raise ApiError(404, "Not Found")
        return Response(200, {"sha": call.arg("sha"), "node_id": "B_", "size": len(data),
                              "url": f"{self.base_url}{call.request.path}",
                              "content": wrap_base64(data), "encoding": "base64"})

    # -- handlers: contents ------------------------------------------------------------------
    def _get_contents(self, call: Call) -> Response:
        repo, path = call.repo, call.arg("path").strip("/")
        ref = call.query("ref") or repo.default_branch
        commit = repo.resolve(ref)
        if commit is None:  # PyGithub: a plain GithubException(404), not UnknownObjectException
            raise ApiError(404, f"No commit found for the ref {ref}",
                           f"{DOCS}/repos/contents#get-repository-content")
        if path in commit.tree:
            data = repo.blobs[commit.tree[path]]
            accept = call.request.headers.get("accept", "")
            if "raw" in accept:  # application/vnd.github.raw(+json): the bytes themselves
                return Response(200, data, {"Content-Type": "application/vnd.github.raw"})
            entry = self._entry_json(repo, path, ref, commit.tree[path], size=len(data))
            return Response(200, {**entry, "content": wrap_base64(data), "encoding": "base64"})
        prefix = f"{path}/" if path else ""
        children: dict[str, JSON] = {}
        for file_path, sha in sorted(commit.tree.items()):
            if not file_path.startswith(prefix):
                continue
            name, _, rest = file_path[len(prefix):].partition("/")
            child = prefix + name
            children.setdefault(child, self._entry_json(
                repo, child, ref, hashlib.sha1(child.encode()).hexdigest(), "dir")
                if rest else self._entry_json(repo, child, ref, sha, size=len(repo.blobs[sha])))
        if not children:
            raise ApiError(404, "Not Found", DOC_CONTENTS)
        return Response(200, list(children.values()))

    def _get_raw(self, call: Call) -> Response:
        parts = call.arg("rest").split("/")
        for i in range(1, len(parts)):
            commit = call.repo.resolve("/".join(parts[:i]))
            path = "/".join(parts[i:])
            if commit is not None and path in commit.tree:
                return Response(200, call.repo.blobs[commit.tree[path]],
                                {"Content-Type": "text/plain; charset=utf-8"})
        return Response(404, "404: Not Found")

    def _put_contents(self, call: Call) -> Response:
        repo, path, body = call.repo, call.arg("path").strip("/"), call.body()
        for required in ("message", "content"):
            if not isinstance(body.get(required), str):
                raise ApiError(422, f'Invalid request.\n\n"{required}" wasn\'t supplied.',
                               DOC_CONTENTS)
        try:
            content = base64.b64decode("".join(body["content"].split()), validate=True)
        except ValueError:
            raise ApiError(422, "content is not valid Base64", DOC_CONTENTS) from None
        branch = body.get("branch") or repo.default_branch  # a `?ref=` query is ignored
        ref = f"refs/heads/{branch}"
        if ref not in repo.refs:
            raise ApiError(404, f"Branch {branch} not found", DOC_CONTENTS)
        parent = repo.commits[repo.refs[ref]]
        current, sha = parent.tree.get(path), body.get("sha")
        if current is not None and not sha:
            raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.', DOC_CONTENTS)
        if current is not None and sha != current:
            raise ApiError(409, f"{path} does not match {sha}", DOC_CONTENTS)
        if branch in repo.protected:
            raise ApiError(409, RULE_VIOLATION, DOC_CONTENTS)
        committer = {**self._identity(call.login), **(body.get("committer") or {})}
        author = {**committer, **(body.get("author") or {})}
        tree = {**parent.tree, **self._encode_files(repo, {path: content})}
        commit = self._commit(repo, tree, (parent.sha,), body["message"], author, committer)
        repo.refs[ref] = commit.sha
        entry = self._entry_json(repo, path, branch, tree[path], size=len(content))
        return Response(201 if current is None else 200,
                        {"content": entry, "commit": self._commit_json(repo, commit)})

    # -- handlers: pull requests ---------------------------------------------------------------
    def _list_pulls(self, call: Call) -> Response:
        state, base, head = call.query("state", "open"), call.query("base"), call.query("head")
        pulls = [pr for pr in reversed(call.repo.pulls) if state in ("all", pr.state)]
        if base:
            pulls = [pr for pr in pulls if pr.base == base]
        if head and ":" in head:  # without "owner:" GitHub ignores the filter entirely
            owner, _, branch = head.partition(":")
            pulls = [pr for pr in pulls
                     if owner.lower() == call.repo.owner.lower() and pr.head == branch]
        return self._paginate(call, [self._pull_json(call.repo, pr, full=False) for pr in pulls])

    def _get_pull(self, call: Call) -> Response:
        pr = self._pull(call.repo, int(call.arg("number")))
        return Response(200, self._pull_json(call.repo, pr))

    def _check_openable(self, repo: Repo, head: str, base: str, head_as_sent: str) -> str:
        """Validate a head/base pair as GitHub does before opening (or reopening) a pull."""
        head_sha = repo.refs.get(f"refs/heads/{head}")
        base_sha = repo.refs.get(f"refs/heads/{base}")
        if head_sha is None:
            raise _validation_failed(DOC_PULLS, field="head", code="invalid")
        if base_sha is None:
            raise _validation_failed(DOC_PULLS, field="base", code="invalid")
        if any(pr.state == "open" and pr.head == head and pr.base == base for pr in repo.pulls):
            raise _validation_failed(DOC_PULLS, code="custom",
                                     message=f"A pull request already exists for "
                                             f"{repo.owner}:{head}.")
        if repo.is_ancestor(head_sha, base_sha):
            raise _validation_failed(DOC_PULLS, code="custom",
                                     message=f"No commits between {base} and {head_as_sent}")
        return head_sha

    def _create_pull(self, call: Call) -> Response:
        repo, body = call.repo, call.body()
        head_as_sent, base = str(body.get("head") or ""), str(body.get("base") or "")
        if not body.get("title"):
            raise _validation_failed(DOC_PULLS, field="title", code="missing_field")
        owner, _, head = head_as_sent.rpartition(":")
        if owner and owner.lower() != repo.owner.lower():
            raise _validation_failed(DOC_PULLS, field="head", code="invalid")
        head_sha = self._check_openable(repo, head, base, head_as_sent)
        pr = PullRequest(number=len(repo.pulls) + 1, title=str(body["title"]),
                         body=body.get("body"), head=head, base=base, user=call.login,
                         head_sha=head_sha, draft=bool(body.get("draft", False)),
                         maintainer_can_modify=bool(body.get("maintainer_can_modify", False)))
        repo.pulls.append(pr)
        data = self._pull_json(repo, pr)
        return Response(201, data, {"Location": data["url"]})

    def _update_pull(self, call: Call) -> Response:
        repo, body = call.repo, call.body()
        pr = self._pull(repo, int(call.arg("number")))
        state = body.get("state")
        if state not in (None, "open", "closed"):
            raise _validation_failed(DOC_PULLS, field="state", code="invalid")
        if state == "open" and pr.state == "closed":
            if pr.merged:
                raise ApiError(422, "Validation Failed", DOC_PULLS, [{
                    "resource": "PullRequest", "code": "custom",
                    "message": "state cannot be changed. The pull request cannot be reopened."}])
            pr.head_sha = self._check_openable(repo, pr.head, pr.base, pr.head)
            pr.state, pr.closed_at = "open", None
        elif state == "closed" and pr.state == "open":
            pr.head_sha = repo.refs.get(f"refs/heads/{pr.head}", pr.head_sha)
            pr.state, pr.closed_at = "closed", _now()
        if "title" in body:
            pr.title = str(body["title"])
        if "body" in body:
            pr.body = body["body"]
        if body.get("base"):
            pr.base = str(body["base"])
        if "maintainer_can_modify" in body:
            pr.maintainer_can_modify = bool(body["maintainer_can_modify"])
        pr.updated_at = _now()
        return Response(200, self._pull_json(repo, pr))
