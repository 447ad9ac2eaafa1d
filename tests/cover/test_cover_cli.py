"""`rotation-sync cover ...` on the local backend (CSV roster, local targets): the whole
flow through the real CLI, exactly one Overrides row, and the refusals."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from sync.config.model import load_config
from sync.core.lived.clock import Clock
from sync.run.cover import CoverDesk, CoverRefused
from sync.run.cover_store import CoverStore
from sync.run.state import StateStore
from tests.cover.helpers import (
    HEADER,
    TODAY,
    ask,
    cover,
    cover_workspace,
    override_rows,
    run_cover,
)
from tests.helpers import to_csv

ROW = ["2022-09-12", "2022-09-14", "valerybugakov", "sven-larsen", "cover request 1: dentist"]


def test_request_take_writes_one_row_and_syncs_at_once(tmp_path: Path) -> None:
    workspace = cover_workspace(tmp_path)
    code, document = ask(workspace, "valerybugakov", "2022-09-12", "2022-09-14",
                         "--note", "dentist")
    assert code == 0, document
    assert document["request"]["state"] == "requested"
    assert workspace.said() == [("#escalation-engineering", (
        "Cover request 1: @valerybugakov needs cover on 2022-09-12 to 2022-09-14 (dentist). "
        "Suggested: @kenji-sato, @priya-nair, @sven-larsen. Who takes it?"))]

    code, document = cover(workspace, "take", "1", "--by", "sven-larsen", today="2022-09-12")

    assert code == 0, document
    assert document["request"]["state"] == "done"
    assert document["request"]["taken_by"] == "sven-larsen"
    assert override_rows(workspace) == [ROW]
    assert workspace.members() == ["keegancsmith", "sven-larsen"], "the sync ran at once"
    told = [text for _channel, text in workspace.said() if text.startswith("Cover request 1")]
    assert told[-1].endswith(
        "Done: @sven-larsen covers @valerybugakov on 2022-09-12 to 2022-09-14.")
    assert workspace.said()[-1][1].startswith("Sven Larsen covers Valery Bugakov"), \
        "the sync that followed announced the override"
    history = workspace.run_json("status")[1]["runs"]
    assert [run["command"] for run in history][:3] == ["cover take", "sync", "cover request"]
    assert history[0]["targets"]["cover"]["by"] == "sven-larsen"


def test_a_repeated_take_appends_nothing_more(tmp_path: Path) -> None:
    workspace = cover_workspace(tmp_path)
    ask(workspace)
    assert cover(workspace, "take", "1", "--by", "sven-larsen")[0] == 0
    code, again = cover(workspace, "take", "1", "--by", "sven-larsen")
    assert code == 0 and again["request"]["state"] == "done"
    code, other = cover(workspace, "take", "1", "--by", "kenji-sato")
    assert code == 1
    assert "Cover request 1 is done: @sven-larsen covers it." in other["error"]
    assert len(override_rows(workspace)) == 1


def test_two_takes_at_the_same_moment_make_one_cover(tmp_path: Path) -> None:
    workspace = cover_workspace(tmp_path)
    ask(workspace)
    config = load_config(workspace.config)
    clock = Clock.at(config.tz, config.handoff_time, date.fromisoformat(TODAY))
    start, outcomes = threading.Barrier(2), {}

    def press(handle: str) -> None:
        desk = CoverDesk(config, lambda: clock, sync=lambda trigger: None)
        start.wait()
        try:
            outcomes[handle] = desk.take(1, handle).taken_by
        except CoverRefused as refusal:
            outcomes[handle] = str(refusal)

    threads = [threading.Thread(target=press, args=(h,)) for h in ("sven-larsen", "kenji-sato")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    (winner,) = {value for value in outcomes.values() if not value.startswith("Cover")}
    loser = next(h for h in outcomes if h != winner)
    assert f"@{winner}" in outcomes[loser]
    assert [row[3] for row in override_rows(workspace)] == [winner]


def test_a_restart_after_the_append_finishes_without_a_second_row(tmp_path: Path) -> None:
    """The process died after appending the row, before marking the request done: what is
    stored then is a taken request and the row. The next command finishes it."""
    workspace = cover_workspace(tmp_path)
    ask(workspace)
    store = CoverStore(StateStore(workspace.folder / "state"))
    before = store.get(1)
    assert before is not None
    from dataclasses import replace
    assert store.move(before, replace(before, state="taken", taken_by="sven-larsen"))
    (workspace.folder / "roster" / "overrides.csv").write_text(to_csv([HEADER, ROW]))

    code, document = cover(workspace, "list")

    assert code == 0
    assert document["requests"][0]["state"] == "done"
    assert override_rows(workspace) == [ROW]


def test_a_row_already_stating_the_override_is_not_appended_again(tmp_path: Path) -> None:
    workspace = cover_workspace(tmp_path)
    ask(workspace)
    typed = [*ROW[:4], "typed by the manager"]
    (workspace.folder / "roster" / "overrides.csv").write_text(to_csv([HEADER, typed]))

    code, document = cover(workspace, "take", "1", "--by", "sven-larsen")

    assert code == 0, document
    assert document["request"]["state"] == "done"
    assert override_rows(workspace) == [typed]


def test_manager_approval(tmp_path: Path) -> None:
    workspace = cover_workspace(tmp_path, 'approval = "manager"\n')
    ask(workspace)
    code, document = cover(workspace, "take", "1", "--by", "sven-larsen")
    assert (code, document["request"]["state"]) == (0, "taken")
    assert override_rows(workspace) == []
    code, refused = cover(workspace, "approve", "1", "--by", "kenji-sato")
    assert code == 1 and "Only a manager (@priya-nair" in refused["error"]
    code, document = cover(workspace, "approve", "1", "--by", "priya-nair")
    assert (code, document["request"]["state"]) == (0, "done")
    assert document["request"]["approved_by"] == "priya-nair"
    assert cover(workspace, "approve", "1", "--by", "priya-nair")[0] == 0
    assert len(override_rows(workspace)) == 1


def test_cancel_and_expiry(tmp_path: Path) -> None:
    workspace = cover_workspace(tmp_path, 'expire_after = "48h"\n')
    ask(workspace)
    code, refused = cover(workspace, "cancel", "1", "--by", "kenji-sato")
    assert code == 1 and "may not" in refused["error"]
    code, document = cover(workspace, "cancel", "1", "--by", "valerybugakov")
    assert (code, document["request"]["state"]) == (0, "cancelled")
    code, refused = cover(workspace, "take", "1", "--by", "sven-larsen")
    assert code == 1 and "cancelled by @valerybugakov" in refused["error"]

    ask(workspace, "valerybugakov", "2022-09-20", "2022-09-21")
    code, listed = cover(workspace, "list", today="2022-09-13")
    assert [r["state"] for r in listed["requests"]] == ["cancelled", "expired"]
    assert workspace.said()[-1][1].endswith("Expired: nobody took it in time.")
    assert cover(workspace, "take", "2", "--by", "sven-larsen", today="2022-09-13")[0] == 1
    assert override_rows(workspace) == []


def test_refusals_name_the_problem_and_write_nothing(tmp_path: Path) -> None:
    workspace = cover_workspace(tmp_path)
    (workspace.folder / "roster" / "overrides.csv").write_text(to_csv([HEADER, [
        "2022-09-20", "2022-09-21", "keegancsmith", "tbliu98", ""]]))
    cases = {
        ("valerybugakov", "2022-10-08", "2022-10-11"): "is not on rotation on every day",
        ("valerybugakov", "2022-09-14", "2022-09-12"): "is before the first day",
        ("keegancsmith", "2022-09-21", "2022-09-22"): "is already off rotation on 2022-09-21",
        ("nobody-here", "2022-09-12", "2022-09-14"): "@nobody-here is not on the People tab",
        ("valerybugakov", "2022-09-01", "2022-09-02"): "is in the past",
    }
    for (engineer, first, last), reason in cases.items():
        code, document = ask(workspace, engineer, first, last)
        assert code == 1, document
        assert reason in document["error"]
    notes = {"x" * 201: "keep it to 200", "<!channel> now": "no markup",
             "=HYPERLINK(1)": "no markup"}
    for note, reason in notes.items():
        code, document = ask(workspace, "valerybugakov", "2022-09-12", "2022-09-14",
                             "--note", note)
        assert code == 1 and reason in document["error"]
    code, document = ask(workspace, "valerybugakov", "2022-09-12", "2022-09-14",
                         "--by", "kenji-sato")
    assert code == 1 and "Only @valerybugakov or a manager" in document["error"]
    assert len(override_rows(workspace)) == 1
    assert cover(workspace, "list")[1]["requests"] == []
    assert cover(workspace, "take", "9", "--by", "sven-larsen")[1]["error"].startswith(
        "There is no cover request 9")


def test_a_taker_must_be_free(tmp_path: Path) -> None:
    workspace = cover_workspace(tmp_path)
    ask(workspace)
    code, document = cover(workspace, "take", "1", "--by", "keegancsmith")
    assert code == 1 and "already on the rotation on 2022-09-12" in document["error"]
    code, document = cover(workspace, "take", "1", "--by", "valerybugakov")
    assert code == 1 and "cannot cover their own request" in document["error"]
    code, document = cover(workspace, "take", "1", "--by", "ghost")
    assert code == 1 and "@ghost is not on the People tab" in document["error"]
    assert override_rows(workspace) == []
    refused = [r for r in workspace.run_json("status")[1]["runs"] if r["outcome"] == "refused"]
    assert len(refused) == 3 and refused[0]["targets"]["cover"]["by"] == "ghost"


def test_without_an_overrides_file_exit_2_names_the_key(tmp_path: Path) -> None:
    workspace = cover_workspace(tmp_path, overrides=False)
    result = run_cover(workspace, "list")
    assert result.exit_code == 2
    assert "[source] overrides" in result.output


def test_time_off_keeps_a_taker_out_and_out_of_the_suggestions(tmp_path: Path) -> None:
    workspace = cover_workspace(tmp_path)
    (workspace.folder / "roster" / "time-off.csv").write_text(to_csv([
        ["GitHub", "Start", "End"], ["kenji-sato", "2022-09-13", "2022-09-20"]]))
    text = workspace.config.read_text().replace(
        "\n[cover]", '\n[time_off]\nfile = "roster/time-off.csv"\n\n[cover]')
    workspace.config.write_text(text)
    ask(workspace)
    assert workspace.said()[0][1].endswith(
        "Suggested: @priya-nair, @sven-larsen, @tbliu98. Who takes it?")
    code, document = cover(workspace, "take", "1", "--by", "kenji-sato")
    assert code == 1 and "@kenji-sato is away on 2022-09-13." in document["error"]
    assert override_rows(workspace) == []


def test_requests_go_to_the_cover_channel(tmp_path: Path) -> None:
    workspace = cover_workspace(tmp_path, 'channel = "#cover-requests"\n')
    ask(workspace)
    assert [channel for channel, _ in workspace.said()] == ["#cover-requests"]
