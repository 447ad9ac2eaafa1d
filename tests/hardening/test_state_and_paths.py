"""Class 2: a state store that cannot be used is exit 2 naming the file before any write;
the lock and messages.jsonl never follow a link; an output link is written through."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sync.run.messenger import FileTransport
from sync.run.state import DB_NAME, LOCK_NAME, StateStore
from sync.run.state_checks import StateError
from tests.conftest import Workspace

TODAY = "2022-09-10"


def assert_refused(workspace: Workspace, *names: str) -> str:
    before = workspace.snapshot()
    code, document = workspace.run_json("sync", "--today", TODAY)
    assert code == 2, document
    assert workspace.snapshot() == before, "nothing is written anywhere"
    for name in names:
        assert name in document["error"]
    assert "Traceback" not in document["error"]
    return str(document["error"])


@pytest.mark.parametrize("garbage", [b"not a database at all" * 100,
                                     b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_corrupt_history_is_exit_2_before_any_write(workspace: Workspace,
                                                      garbage: bytes) -> None:
    state = workspace.folder / "state"
    state.mkdir()
    (state / DB_NAME).write_bytes(garbage)
    message = assert_refused(workspace, DB_NAME)
    assert "move it aside" in message
    code, document = workspace.run_json("status")
    assert code == 2 and DB_NAME in document["error"]


def test_a_state_dir_that_is_a_file_is_exit_2(workspace: Workspace) -> None:
    (workspace.folder / "state").write_text("oops")
    assert_refused(workspace, "state_dir", "not a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any permission bits")
def test_a_read_only_history_is_exit_2(workspace: Workspace) -> None:
    assert workspace.run("sync", "--today", TODAY).exit_code == 0
    (workspace.folder / "state" / DB_NAME).chmod(0o444)
    (workspace.folder / "out" / "rotations.ics").unlink()
    assert_refused(workspace, DB_NAME, "chown or chmod")


def test_a_lock_that_is_a_symlink_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    state = workspace.folder / "state"
    state.mkdir()
    (state / LOCK_NAME).symlink_to(victim)
    assert_refused(workspace, LOCK_NAME, "symbolic link")
    assert victim.read_text() == "precious\n"
    with pytest.raises(StateError), StateStore(state).lock():
        pass


def test_the_messages_file_never_follows_a_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = tmp_path / "messages.jsonl"
    link.symlink_to(victim)
    with pytest.raises(StateError, match="symbolic link"):
        FileTransport(link).post("@x", "hello")
    assert victim.read_text() == "precious\n"


def test_an_output_path_that_is_a_link_is_written_through(workspace: Workspace,
                                                          tmp_path: Path) -> None:
    served = tmp_path / "served" / "rotations.ics"
    served.parent.mkdir()  # the link dangles until the first sync writes its target
    (workspace.folder / "out").mkdir()
    link = workspace.folder / "out" / "rotations.ics"
    link.symlink_to(served)
    assert workspace.run("sync", "--today", TODAY).exit_code == 0
    assert link.is_symlink(), "the link was not replaced by a regular file"
    assert "BEGIN:VCALENDAR" in served.read_text()
    assert workspace.run_json("sync", "--today", TODAY)[1]["targets"]["calendar"][
        "changes"] == []


def test_an_output_path_that_is_a_folder_fails_that_target_only(workspace: Workspace) -> None:
    (workspace.folder / "out" / "rotations.ics").mkdir(parents=True)
    code, document = workspace.run_json("sync", "--today", TODAY)
    assert code == 3
    assert document["targets"]["calendar"]["status"] == "failed"
    assert document["targets"]["handbook"]["status"] == "ok"
