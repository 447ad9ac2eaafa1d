"""The handbook page on GitHub: the real PyGithub client over HTTP against tests.wire.fakes.github.

Covers both modes, the open-pull-request update, the stale-sha race, byte preservation of
the real page (also CRLF and no final newline), zero writes on a no-op run, the errors a
manager can act on, the factory wiring and one end-to-end CLI run.

vcrpy cassettes in tests/wire/cassettes/github/ pin the response shapes of every endpoint the
adapter uses and replay them through it (as api.github.com, with the token filtered out).
Re-record them (against the fake; point `api_url`/the token at a sandbox repository to
record real GitHub instead) with:

    .venv/bin/pytest tests/targets/test_handbook_github.py -k cassette --record-mode=rewrite
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]
from typer.testing import CliRunner

from sync.cli.commands import app
from sync.clients.github import HEAD_BRANCH
from sync.config.model import parse_config
from sync.core.diff.plan import Change, TargetPlan
from sync.errors import ConfigError, TargetError
from sync.run.factory import make_targets
from sync.targets.handbook.github import HandbookGithub, change_title, pull_body
from sync.targets.handbook.model import RowState, render_table
from tests.helpers import make_clock, make_roster, write_roster
from tests.targets.contract import ROSTER_A, ROSTER_B
from tests.wire.fakes.base import DROP, Response
from tests.wire.fakes.github import FakeGitHub

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = (ROOT / "tests" / "data" / "escalation-engineer-rotation.md").read_bytes()
CASSETTES = ROOT / "tests" / "wire" / "cassettes" / "github"
REPO = "acme/handbook"
PATH = "content/departments/engineering/escalation-engineer-rotation.md"
TOKEN = "ghp_rotationsynctest0123456789"
READ_ONLY = "ghp_readonly0123456789"
API = "https://api.github.com"
DAY = "2022-09-10"
TITLE_B = ("Rotations table: update 2022-09-07 to 2022-10-09, remove 2022-10-10 to "
           "2022-11-07, add 2022-11-08 to 2022-12-05")


# -- fixtures and helpers --------------------------------------------------------------
@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    server.add_repo(REPO, {PATH: SAMPLE, "README.md": "The handbook.\n"})
    server.add_token(TOKEN, {REPO: "write"})
    server.add_token(READ_ONLY, {REPO: "read"})
    with server:
        yield server


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr("sync.clients.retry.sleep", waited.append)
    return waited


def target(fake: FakeGitHub, mode: str = "pull_request", token: str = TOKEN,
           repo: str = REPO, path: str = PATH) -> HandbookGithub:
    return HandbookGithub(repo, path, "main", mode, token, fake.base_url)  # type: ignore[arg-type]


def plan(handbook: HandbookGithub, rotations: list[Any] = ROSTER_B) -> TargetPlan:
    return handbook.plan(make_roster(rotations), make_clock(DAY))


def sync(handbook: HandbookGithub, rotations: list[Any] = ROSTER_B) -> TargetPlan:
    result = plan(handbook, rotations)
    if not result.changes:
        return result
    return replace(result, notes=(*result.notes, *handbook.apply(result)))


def page(fake: FakeGitHub, ref: str | None = None) -> bytes:
    content = fake.file_content(REPO, PATH, ref)
    assert content is not None
    return content


def table_of(rotations: list[Any], newline: str = "\n") -> str:
    from sync.targets.handbook.model import desired_rows, ordered

    return render_table(ordered(desired_rows(make_roster(rotations))), newline)


def around_table(text: bytes) -> tuple[bytes, bytes]:
    """The sample page's bytes before and after its table (lines 13-17), cut by hand."""
    lines = text.splitlines(keepends=True)
    assert lines[12].startswith(b"| Rotation") and lines[17].strip() == b""
    return b"".join(lines[:12]), b"".join(lines[17:])


def with_table(text: bytes, rotations: list[Any], newline: str = "\n") -> bytes:
    before, after = around_table(text)
    return before + table_of(rotations, newline).encode() + after


def human_edit(text: bytes) -> bytes:
    """A manager's edit far from the table."""
    edited = text.replace(b"Tag @escalation-engineers on Slack", b"Tag @ee-team on Slack")
    assert edited != text
    return edited


# -- pull_request mode -------------------------------------------------------------------
def test_pull_request_mode_opens_one_pull_request_and_leaves_the_base_alone(fake: FakeGitHub):
    base_before = fake.branch_sha(REPO, "main")
    result = sync(target(fake))

    assert [c.action for c in result.changes] == ["update", "delete", "create"]
    assert fake.write_calls() == ["POST /repos/acme/handbook/git/trees",
                                  "POST /repos/acme/handbook/git/commits",
                                  "POST /repos/acme/handbook/git/refs",
                                  "POST /repos/acme/handbook/pulls"]
    assert fake.branch_sha(REPO, "main") == base_before
    assert page(fake, HEAD_BRANCH) == with_table(SAMPLE, ROSTER_B)
    [pull] = fake.pulls(REPO)
    assert (pull.state, pull.head, pull.base, pull.title) == ("open", HEAD_BRANCH, "main", TITLE_B)
    assert fake.log(REPO, HEAD_BRANCH)[0].message == TITLE_B
    assert fake.log(REPO, HEAD_BRANCH)[1].sha == base_before, "one commit on top of the base"
    assert any("Opened pull request #1: https://github.com/acme/handbook/pull/1" in note
               for note in result.notes)


def test_pull_request_body_lists_rows_added_changed_and_removed(fake: FakeGitHub):
    sync(target(fake))
    body = fake.pulls(REPO)[0].body or ""
    assert "**Added**\n\n- 2022-11-08 to 2022-12-05: `@priya-nair, TBD`" in body
    assert ("**Changed**\n\n- 2022-09-07 to 2022-10-09: engineers add `@kenji-sato`, "
            "`@sven-larsen` and remove `@keegancsmith` "
            "(now `@kenji-sato, @valerybugakov, @sven-larsen`)") in body, body
    assert "**Removed**\n\n- 2022-10-10 to 2022-11-07: `@tbliu98, TBD, TBD`" in body
    assert "](https://github.com/" not in body, "handles in code spans: nobody is @-mentioned"


def test_second_run_while_our_pull_request_is_open_writes_nothing(fake: FakeGitHub):
    sync(target(fake))
    fake.reset_log()
    again = sync(target(fake))
    assert again.changes == []
    assert any("Already proposed in pull request #1" in note for note in again.notes)
    assert fake.write_calls() == []


def without_last_row(page: bytes) -> bytes:
    """The real page already says what ROSTER_A says (and is left as written): without its
    last row, syncing ROSTER_A has a row to add."""
    return b"".join(line for line in page.splitlines(keepends=True) if b"tbliu98" not in line)


def test_roster_change_while_open_updates_branch_and_body_not_a_second_pull(fake: FakeGitHub):
    fake.set_file(REPO, PATH, without_last_row(SAMPLE))
    sync(target(fake), ROSTER_A)
    first_head = fake.branch_sha(REPO, HEAD_BRANCH)
    fake.reset_log()
    result = sync(target(fake), ROSTER_B)

    assert result.changes
    assert fake.write_calls() == ["POST /repos/acme/handbook/git/trees",
                                  "POST /repos/acme/handbook/git/commits",
                                  f"PATCH /repos/acme/handbook/git/refs/heads/{HEAD_BRANCH}",
                                  "PATCH /repos/acme/handbook/pulls/1"]
    [pull] = fake.pulls(REPO)
    assert pull.state == "open" and pull.title == ("Rotations table: update 2022-09-07 to "
                                                   "2022-10-09, add 2022-11-08 to 2022-12-05")
    assert "2022-11-08 to 2022-12-05" in (pull.body or "")
    assert fake.branch_sha(REPO, HEAD_BRANCH) != first_head
    assert page(fake, HEAD_BRANCH) == with_table(SAMPLE, ROSTER_B)
    assert plan(target(fake)).changes == []


def test_base_moved_under_our_pull_request_is_rebuilt_on_the_new_base(fake: FakeGitHub):
    sync(target(fake))
    fake.set_file(REPO, PATH, human_edit(SAMPLE))  # someone edits the page on main meanwhile
    fake.reset_log()

    result = sync(target(fake))
    assert result.changes, "the open pull request would undo or conflict with the edit"
    assert [p.state for p in fake.pulls(REPO)] == ["open"]
    assert fake.log(REPO, HEAD_BRANCH)[1].sha == fake.branch_sha(REPO, "main")
    fake.merge_pull(REPO, 1)
    assert page(fake) == with_table(human_edit(SAMPLE), ROSTER_B)


def test_table_edited_on_the_base_under_our_pull_request_is_rebuilt(fake: FakeGitHub):
    sync(target(fake))
    tampered = SAMPLE.replace(b"[@tbliu98](https://github.com/tbliu98), TBD, TBD",
                              b"[@tbliu98](https://github.com/tbliu98)")
    fake.set_file(REPO, PATH, tampered)  # same page once spliced, but merging would conflict
    with pytest.raises(ValueError, match="merge conflict"):
        fake.merge_pull(REPO, 1)  # refused before anything moves
    fake.reset_log()

    assert sync(target(fake)).changes, "plan shows the table drift on the base"
    assert fake.log(REPO, HEAD_BRANCH)[1].sha == fake.branch_sha(REPO, "main")
    fake.merge_pull(REPO, 1)
    assert page(fake) == with_table(SAMPLE, ROSTER_B)


def test_unrelated_commits_on_the_base_do_not_rewrite_our_pull_request(fake: FakeGitHub):
    sync(target(fake))
    fake.set_file(REPO, "README.md", "Another page changed.\n")
    fake.reset_log()
    assert plan(target(fake)).changes == []
    assert fake.write_calls() == []


def test_merged_pull_request_then_no_op(fake: FakeGitHub):
    sync(target(fake))
    fake.merge_pull(REPO, 1)
    fake.reset_log()
    assert plan(target(fake)).changes == []
    assert fake.write_calls() == []
    assert page(fake) == with_table(SAMPLE, ROSTER_B)


def test_base_already_right_closes_our_open_pull_request(fake: FakeGitHub):
    sync(target(fake))
    fake.set_file(REPO, PATH, with_table(SAMPLE, ROSTER_B))  # fixed by hand on main
    fake.reset_log()

    result = sync(target(fake))
    assert [c.summary for c in result.changes] == [
        "close pull request #1: main already has the right table"]
    assert fake.write_calls() == ["PATCH /repos/acme/handbook/pulls/1",
                                  f"DELETE /repos/acme/handbook/git/refs/heads/{HEAD_BRANCH}"]
    assert [p.state for p in fake.pulls(REPO)] == ["closed"]
    assert fake.branch_sha(REPO, HEAD_BRANCH) is None
    fake.reset_log()
    assert plan(target(fake)).changes == [] and fake.write_calls() == []


def test_base_already_right_and_no_pull_request_writes_nothing(fake: FakeGitHub):
    fake.set_file(REPO, PATH, with_table(SAMPLE, ROSTER_B))
    fake.reset_log()
    assert sync(target(fake)).changes == []
    assert fake.write_calls() == [] and fake.pulls(REPO) == []


def test_leftover_branch_from_a_merged_pull_request_is_reused(fake: FakeGitHub):
    fake.set_file(REPO, PATH, without_last_row(SAMPLE))
    sync(target(fake), ROSTER_A)
    fake.merge_pull(REPO, 1)  # the repository does not delete merged branches
    sync(target(fake), ROSTER_B)
    assert [(p.number, p.state) for p in fake.pulls(REPO)] == [(1, "closed"), (2, "open")]
    assert fake.log(REPO, HEAD_BRANCH)[1].sha == fake.branch_sha(REPO, "main")


# -- commit mode ---------------------------------------------------------------------------
def test_commit_mode_commits_to_the_branch_with_a_summary_message(fake: FakeGitHub):
    sync(target(fake, "commit"))
    assert fake.write_calls() == [f"PUT /repos/acme/handbook/contents/{PATH}"]
    assert page(fake) == with_table(SAMPLE, ROSTER_B)
    assert fake.log(REPO)[0].message == TITLE_B
    assert fake.pulls(REPO) == []
    fake.reset_log()
    assert sync(target(fake, "commit")).changes == []
    assert fake.write_calls() == []


def test_commit_mode_stale_sha_rereads_and_keeps_the_human_edit(fake: FakeGitHub):
    handbook = target(fake, "commit")
    pending = plan(handbook)
    fake.set_file(REPO, PATH, human_edit(SAMPLE))  # pushed between our read and our write
    handbook.apply(pending)

    assert fake.write_calls() == [f"PUT /repos/acme/handbook/contents/{PATH}"] * 2
    assert page(fake) == with_table(human_edit(SAMPLE), ROSTER_B)


def test_commit_mode_stale_twice_gives_up_without_overwriting(fake: FakeGitHub):
    handbook = target(fake, "commit")
    pending = plan(handbook)
    fake.set_file(REPO, PATH, human_edit(SAMPLE))
    second_edit = human_edit(SAMPLE).replace(b"## Benefits", b"## Benefits\n\nNew line.")
    fake.before("PUT", "/contents/", lambda: None)  # first PUT: refused as stale
    fake.before("PUT", "/contents/",
                lambda: fake.set_file(REPO, PATH, second_edit))  # another push, again
    with pytest.raises(TargetError, match="changed again while rotation-sync was writing"):
        handbook.apply(pending)
    assert page(fake) == second_edit


def test_commit_mode_race_where_the_human_fixed_the_table_writes_once(fake: FakeGitHub):
    handbook = target(fake, "commit")
    pending = plan(handbook)
    fake.set_file(REPO, PATH, with_table(human_edit(SAMPLE), ROSTER_B))
    notes = handbook.apply(pending)
    assert fake.write_calls() == [f"PUT /repos/acme/handbook/contents/{PATH}"]
    assert any("already has the right table" in note for note in notes)


def test_protected_branch_suggests_pull_request_mode(fake: FakeGitHub):
    fake.protect_branch(REPO, "main")
    with pytest.raises(TargetError, match='mode = "pull_request"') as refused:
        sync(target(fake, "commit"))
    assert REPO in str(refused.value)
    assert page(fake) == SAMPLE


# -- bytes outside the table -----------------------------------------------------------
@pytest.mark.parametrize("mode", ["pull_request", "commit"])
@pytest.mark.parametrize("variant", ["sample", "crlf", "no final newline",
                                     "crlf, no final newline"])
def test_every_byte_outside_the_table_is_kept(fake: FakeGitHub, mode: str, variant: str):
    original = SAMPLE.replace(b"\n", b"\r\n") if "crlf" in variant else SAMPLE
    original = original.rstrip(b"\r\n") if "no final newline" in variant else original
    fake.set_file(REPO, PATH, original)
    sync(target(fake, mode))

    written = page(fake, HEAD_BRANCH if mode == "pull_request" else None)
    newline = "\r\n" if "crlf" in variant else "\n"
    assert written == with_table(original, ROSTER_B, newline)
    assert written.endswith(original[-40:])
    fake.reset_log()
    assert plan(target(fake, mode)).changes == [] and fake.write_calls() == []


# -- errors ----------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["pull_request", "commit"])
def test_bad_token_is_a_clear_error_without_the_token(fake: FakeGitHub, mode: str):
    with pytest.raises(TargetError) as error:
        plan(target(fake, mode, token="ghp_wrong_token_value_123"))
    message = str(error.value)
    assert "The GitHub token in GITHUB_TOKEN was rejected" in message
    assert "ghp_wrong_token_value_123" not in message
    assert fake.write_calls() == []


def test_missing_repository_names_repo_and_path(fake: FakeGitHub):
    with pytest.raises(TargetError) as error:
        plan(target(fake, repo="acme/missing"))
    assert "acme/missing" in str(error.value) and PATH in str(error.value)
    assert "404" in str(error.value)


def test_missing_page_names_repo_and_path(fake: FakeGitHub):
    with pytest.raises(TargetError, match=r"cannot find docs/nope\.md in acme/handbook"):
        plan(target(fake, path="docs/nope.md"))


def test_read_only_token_names_repo_path_and_the_permissions_needed(fake: FakeGitHub):
    handbook = target(fake, token=READ_ONLY)
    pending = plan(handbook)
    with pytest.raises(TargetError) as error:
        handbook.apply(pending)
    message = str(error.value)
    assert "403" in message and REPO in message and PATH in message
    assert "Contents: read and write and Pull requests: read and write" in message


def test_page_without_a_rotations_table_is_an_error_not_an_append(fake: FakeGitHub):
    fake.set_file(REPO, PATH, "# Escalation engineers\n\nNo table here.\n")
    with pytest.raises(TargetError, match="no table under a '## Rotations' heading"):
        plan(target(fake))
    assert fake.write_calls() == []


def test_secondary_rate_limit_is_retried_after_the_time_github_gives(fake: FakeGitHub,
                                                                     sleeps: list[float]):
    fake.secondary_rate_limit("/contents/", times=2, retry_after=7)
    fake.secondary_rate_limit("/pulls", times=1, retry_after=3, method="POST")
    sync(target(fake))
    assert sleeps == [7.0, 7.0, 3.0]
    assert [p.state for p in fake.pulls(REPO)] == ["open"]


def test_primary_rate_limit_waits_until_the_reset(fake: FakeGitHub, sleeps: list[float]):
    fake.primary_rate_limit("/contents/", reset_in=30)
    sync(target(fake, "commit"))
    assert len(sleeps) == 1 and 15 <= sleeps[0] <= 32  # slack for a loaded machine
    assert page(fake) == with_table(SAMPLE, ROSTER_B)


def test_primary_rate_limit_reset_hours_away_fails_at_once(fake: FakeGitHub,
                                                           sleeps: list[float]):
    fake.primary_rate_limit("/git/ref/", reset_in=3 * 3600)
    with pytest.raises(TargetError, match="rate limit"):
        plan(target(fake))
    assert sleeps == []


def test_server_errors_and_dropped_connections_are_retried(fake: FakeGitHub,
                                                           sleeps: list[float]):
    fake.fail("/contents/", Response(502, {"message": "Server Error"}), times=2)
    fake.fail("/git/commits", DROP, times=1, method="POST")
    sync(target(fake))
    assert len(sleeps) == 3
    assert [p.state for p in fake.pulls(REPO)] == ["open"]


def test_persistent_server_errors_fail_with_a_clear_message(fake: FakeGitHub):
    fake.fail("/contents/", Response(503, {"message": "Unavailable"}), times=100)
    with pytest.raises(TargetError, match="GitHub kept failing"):
        plan(target(fake))


# -- messages --------------------------------------------------------------------------
def row(label: str, who: str = "[@a](https://github.com/a)") -> RowState:
    return RowState(label, who)


def test_title_names_up_to_three_changes_then_counts():
    add = Change("create", "2022-11-08", "", None, row("2022-11-08 to 2022-12-05"))
    update = Change("update", "2022-09-07", "", row("2022-09-07 to 2022-10-09"),
                    row("2022-09-07 to 2022-10-09", "TBD"))
    assert change_title([add]) == "Rotations table: add 2022-11-08 to 2022-12-05"
    assert change_title([add, update]) == ("Rotations table: add 2022-11-08 to 2022-12-05, "
                                           "update 2022-09-07 to 2022-10-09")
    many = [add, add, update, Change("delete", "x", "", row("x"), None)]
    assert change_title(many) == "Rotations table: add 2 rotations, update 1 rotation, " \
                                 "remove 1 rotation"
    assert change_title([Change("update", "table", "")]) == "Rotations table: re-format"


def test_body_mentions_a_changed_end_date():
    change = Change("update", "2022-09-07", "", row("2022-09-07 to 2022-10-09"),
                    row("2022-09-07 to 2022-10-16"))
    assert ("- 2022-09-07 to 2022-10-16: dates 2022-09-07 to 2022-10-09 → 2022-09-07 to "
            "2022-10-16 (now `@a`)") in pull_body([change], PATH)


# -- wiring ------------------------------------------------------------------------------
def github_config(tmp_path: Path, api_url: str, mode: str = "pull_request") -> dict[str, Any]:
    return {"timezone": "America/Los_Angeles", "state_dir": "state",
            "source": {"kind": "csv", "rotations": "roster/rotations.csv",
                       "people": "roster/people.csv"},
            "calendar": {"kind": "ics", "path": "out/rotations.ics"},
            "slack": {"kind": "file", "path": "out/slack.json",
                      "usergroup": "escalation-engineers"},
            "handbook": {"kind": "github", "repo": REPO, "path": PATH, "branch": "main",
                         "mode": mode, "api_url": api_url}}


def test_factory_needs_github_token_before_anything_runs(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    config = parse_config(github_config(tmp_path, API), tmp_path)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="GITHUB_TOKEN") as missing:
        make_targets(config, {"handbook"})
    assert missing.value.exit_code == 2
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    handbook = make_targets(config, {"handbook"})["handbook"]
    assert isinstance(handbook, HandbookGithub) and handbook.mode == "pull_request"


def toml(data: dict[str, Any]) -> str:
    lines: list[str] = []
    for key, value in data.items():
        if not isinstance(value, dict):
            lines.append(f"{key} = {json.dumps(value)}")
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"[{key}]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in value.items()]
    return "\n".join(lines) + "\n"


def test_cli_sync_with_a_rejected_token_exits_3_and_syncs_the_others(fake: FakeGitHub,
                                                                      tmp_path: Path):
    write_roster(tmp_path)
    config = tmp_path / "rotation-sync.toml"
    config.write_text(toml(github_config(tmp_path, fake.base_url)))
    bad = "ghp_revoked_token_abcdef"
    result = CliRunner().invoke(app, ["sync", "-c", str(config), "--today", DAY, "--json"],
                                env={"GITHUB_TOKEN": bad})

    assert result.exit_code == 3, result.output
    document = json.loads(result.stdout)
    handbook = document["targets"]["handbook"]
    assert handbook["status"] == "failed"
    assert "The GitHub token in GITHUB_TOKEN was rejected" in handbook["error"]
    assert document["targets"]["calendar"]["status"] == "ok"
    assert document["targets"]["slack"]["status"] == "ok"
    assert (tmp_path / "out" / "rotations.ics").exists()
    assert (tmp_path / "out" / "slack.json").exists()
    assert bad not in result.output
    assert fake.write_calls() == []


def test_cli_sync_then_second_sync_reports_zero_changes(fake: FakeGitHub, tmp_path: Path):
    write_roster(tmp_path)
    fake.set_file(REPO, PATH, without_last_row(SAMPLE))
    config = tmp_path / "rotation-sync.toml"
    config.write_text(toml(github_config(tmp_path, fake.base_url)))
    command = ["sync", "-c", str(config), "--today", DAY, "--json", "--only", "handbook"]
    first = CliRunner().invoke(app, command, env={"GITHUB_TOKEN": TOKEN})
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["targets"]["handbook"]["changes"]
    fake.reset_log()
    second = CliRunner().invoke(app, command, env={"GITHUB_TOKEN": TOKEN})
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["targets"]["handbook"]["changes"] == []
    assert fake.write_calls() == []


# -- cassettes ---------------------------------------------------------------------------
@pytest.fixture
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


@pytest.fixture
def vcr_config(fake: FakeGitHub) -> dict[str, Any]:
    """Recorded against the fake, stored as api.github.com: replayable through PyGithub."""
    def as_github(text: str) -> str:
        return text.replace(fake.base_url, API)

    def request(req: Any) -> Any:
        req.uri = as_github(req.uri)
        return req

    def response(resp: dict[str, Any]) -> dict[str, Any]:
        resp["body"]["string"] = as_github(resp["body"]["string"].decode()).encode()
        resp["headers"] = {k: [as_github(v) for v in vs] for k, vs in resp["headers"].items()}
        return resp

    return {"filter_headers": ["authorization"], "match_on": ("method", "path", "query"),
            "before_record_request": request, "before_record_response": response,
            "decode_compressed_response": True}


SMALL_PAGE = ("# Escalation engineer rotation\n\nTag @escalation-engineers on Slack for help.\n\n"
              "## Rotations\n\n| Rotation | Engineers |\n| --- | --- |\n"
              "| 2022-08-10 to 2022-09-06 | TBD |\n\n## Benefits\n\nMore.\n")


class Replay:
    """Record mode: the fake answers and vcrpy records. Otherwise the cassette answers alone."""

    def __init__(self, fake: FakeGitHub, record_mode: str) -> None:
        self.fake, self.recording = fake, record_mode in ("rewrite", "all")
        if self.recording:
            fake.set_file(REPO, PATH, SMALL_PAGE)  # small: the cassettes stay readable

    def target(self, mode: str) -> HandbookGithub:
        api_url = self.fake.base_url if self.recording else API
        return HandbookGithub(REPO, PATH, "main", mode, TOKEN, api_url)  # type: ignore[arg-type]

    def human_sets_page(self, text: str) -> None:
        if self.recording:
            self.fake.set_file(REPO, PATH, text)

    def check(self, cassette: Any) -> None:
        if not self.recording:
            assert cassette.all_played, "the adapter made exactly the recorded calls"
            assert self.fake.calls() == [], "answered by the cassette, not the fake"


def small_page_with(rotations: list[Any]) -> str:
    return SMALL_PAGE.replace("| Rotation | Engineers |\n| --- | --- |\n"
                              "| 2022-08-10 to 2022-09-06 | TBD |\n", table_of(rotations))


@pytest.mark.vcr
def test_cassette_pull_request_flow(fake: FakeGitHub, record_mode: str, vcr: Any):
    replay = Replay(fake, record_mode)
    opened = sync(replay.target("pull_request"), ROSTER_A)
    assert any("Opened pull request #1" in note for note in opened.notes)
    assert plan(replay.target("pull_request"), ROSTER_A).changes == []
    updated = sync(replay.target("pull_request"), ROSTER_B)
    assert any("Updated pull request #1" in note for note in updated.notes)
    replay.human_sets_page(small_page_with(ROSTER_B))
    closed = sync(replay.target("pull_request"), ROSTER_B)
    assert [c.key for c in closed.changes] == ["pull-request"]
    replay.check(vcr)


@pytest.mark.vcr
def test_cassette_commit_flow(fake: FakeGitHub, record_mode: str, vcr: Any):
    replay = Replay(fake, record_mode)
    assert sync(replay.target("commit"), ROSTER_A).changes
    racing = replay.target("commit")
    pending = plan(racing, ROSTER_B)
    replay.human_sets_page(small_page_with(ROSTER_A).replace("on Slack", "in Slack"))
    racing.apply(pending)
    assert plan(replay.target("commit"), ROSTER_B).changes == []
    replay.check(vcr)


@functools.cache
def interactions() -> list[tuple[str, str, int, Any]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    found = []
    for cassette in sorted(CASSETTES.glob("*.yaml")):
        for item in yaml.load(cassette.read_text(), Loader=loader)["interactions"]:
            request, response = item["request"], item["response"]
            body = response["body"]["string"]
            found.append((request["method"], request["uri"].split("?")[0],
                          response["status"]["code"], json.loads(body) if body else None))
            assert "authorization" not in {k.lower() for k in request["headers"]}
    return found


def answer(method: str, suffix: str, status: int) -> Any:
    for verb, uri, code, body in interactions():
        if verb == method and uri.endswith(suffix) and code == status:
            return body
    raise AssertionError(f"no {method} …{suffix} answering {status} in the cassettes")


def test_cassettes_pin_the_documented_response_shapes():
    contents = answer("GET", f"/contents/{PATH}", 200)
    assert {"type", "encoding", "content", "sha", "path"} <= contents.keys()
    assert contents["type"] == "file" and contents["encoding"] == "base64"
    put = answer("PUT", f"/contents/{PATH}", 200)
    assert {"content", "commit"} <= put.keys() and "sha" in put["content"]
    stale = answer("PUT", f"/contents/{PATH}", 409)
    assert "does not match" in stale["message"]
    ref = answer("GET", "/git/ref/heads/main", 200)
    assert ref["ref"] == "refs/heads/main" and len(ref["object"]["sha"]) == 40
    created_ref = answer("POST", "/git/refs", 201)
    assert created_ref["ref"] == f"refs/heads/{HEAD_BRANCH}"
    moved_ref = answer("PATCH", f"/git/refs/heads/{HEAD_BRANCH}", 200)
    assert moved_ref["object"]["sha"]
    tree = answer("POST", "/git/trees", 201)
    assert {"sha", "tree"} <= tree.keys()
    commit = answer("POST", "/git/commits", 201)
    assert {"sha", "tree", "parents", "message"} <= commit.keys()
    listed = answer("GET", "/pulls", 200)
    assert isinstance(listed, list)
    opened = answer("POST", "/pulls", 201)
    assert {"number", "html_url", "url", "state", "head", "base"} <= opened.keys()
    assert opened["head"]["ref"] == HEAD_BRANCH and opened["url"].startswith(API)
    edited = answer("PATCH", "/pulls/1", 200)
    assert edited["number"] == 1
