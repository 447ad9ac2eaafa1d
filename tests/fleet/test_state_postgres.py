"""The state store on a real PostgreSQL: same calls, same answers as on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.errors import LockBusy
from sync.run.state import StateStore, placed
from sync.run.state_checks import StateError

LEDGER = """CREATE TABLE IF NOT EXISTS served_days (
    handle TEXT NOT NULL, day TEXT NOT NULL, hours INTEGER NOT NULL,
    PRIMARY KEY (handle, day))"""


def stores(tmp_path: Path, pg_url: str) -> list[StateStore]:
    return [StateStore(tmp_path / "state"), StateStore(tmp_path / "unused", url=pg_url)]


def test_history_and_memory_read_back_the_same_on_both_backends(tmp_path: Path,
                                                                pg_url: str) -> None:
    answers = []
    for store in stores(tmp_path, pg_url):
        store.check()
        store.remember("poll:last", {"digest": "abc"})
        store.remember("poll:last", {"digest": "def"})
        store.record(datetime.now(UTC), "sync", 0, "ok", {"calendar": 2}, [], {}, keep=2)
        store.record(datetime.now(UTC), "sync", 3, "target failed", {}, [], {}, keep=2)
        store.record(datetime.now(UTC), "sync", 0, "ok", {}, [], {}, keep=2)
        runs = store.runs(10)
        answers.append((store.recall("poll:last"), store.recall("nothing"),
                        [(r.exit_code, r.outcome) for r in runs],
                        store.last_success() is not None))
    assert answers[0] == answers[1] == ({"digest": "def"}, None,
                                        [(0, "ok"), (3, "target failed")], True)


def test_code_written_for_sqlite_with_question_marks_runs_unchanged(tmp_path: Path,
                                                                    pg_url: str) -> None:
    for store in stores(tmp_path, pg_url):
        with store.connect() as db:
            db.execute(LEDGER)
            for hours in (4, 8):
                db.execute("INSERT INTO served_days (handle, day, hours) VALUES (?, ?, ?) "
                           "ON CONFLICT (handle, day) DO UPDATE SET hours = excluded.hours",
                           ("kenji-sato", "2026-12-07", hours))
            db.execute("INSERT INTO served_days VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                       ("amara-okafor", "2026-12-07", 100))
        with store.connect() as db:
            rows = db.execute("SELECT handle, hours FROM served_days WHERE day = ? "
                              "ORDER BY handle", ("2026-12-07",)).fetchall()
        assert [tuple(row) for row in rows] == [("amara-okafor", 100), ("kenji-sato", 8)]


def test_each_roster_of_a_fleet_keeps_its_own_rows(tmp_path: Path, pg_url: str) -> None:
    with placed(pg_url, "payments"):
        StateStore(tmp_path).remember("key", "payments' value")
    with placed(pg_url, "search"):
        StateStore(tmp_path).remember("key", "search's value")
        assert StateStore(tmp_path).recall("key") == "search's value"
    assert StateStore(tmp_path, url=pg_url, namespace="payments").recall("key") == \
        "payments' value"


def test_a_second_run_of_one_roster_is_kept_out_by_the_lock(tmp_path: Path,
                                                            pg_url: str) -> None:
    first = StateStore(tmp_path, url=pg_url, namespace="payments")
    other_roster = StateStore(tmp_path, url=pg_url, namespace="search")
    with first.lock():
        with pytest.raises(LockBusy, match="payments"), \
                StateStore(tmp_path, url=pg_url, namespace="payments").lock(0.5):
            pass
        with other_roster.lock():
            pass
    with StateStore(tmp_path, url=pg_url, namespace="payments").lock():
        pass


def test_an_unreachable_database_is_exit_2_naming_it_with_the_password_masked(
        tmp_path: Path, pg_server: object) -> None:
    from tests.fleet.pg_server import free_port

    url = f"postgresql://sync:s3cr3t-pw@127.0.0.1:{free_port()}/rotations"
    with pytest.raises(StateError) as caught:
        StateStore(tmp_path, url=url).check()
    assert caught.value.exit_code == 2
    assert "postgresql://sync:***@127.0.0.1" in str(caught.value)
    assert "s3cr3t-pw" not in str(caught.value)


def test_a_url_of_another_database_kind_is_refused(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROTATION_SYNC_STATE_URL", "mysql://root:hunter2@db/rotations")
    with pytest.raises(StateError, match="ROTATION_SYNC_STATE_URL") as caught:
        StateStore(tmp_path)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("command", ["sync", "status"])
def test_the_command_line_says_which_database_is_unreachable(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import re
    import shutil

    from typer.testing import CliRunner

    from sync.cli.commands import app
    from tests.fleet.pg_server import free_port

    shutil.copytree(Path(__file__).resolve().parents[2] / "config", tmp_path / "config",
                    ignore=shutil.ignore_patterns("state", "out"))
    monkeypatch.setenv("ROTATION_SYNC_STATE_URL",
                       f"postgresql://sync:s3cr3t-pw@127.0.0.1:{free_port()}/rotations")
    result = CliRunner().invoke(app, [command, "-c", str(tmp_path / "config/example.toml"),
                                      "--json"])
    document = json.loads(result.stdout)
    assert result.exit_code == 2 == document["exit_code"]
    # named (host and database), its userinfo masked by the output's one redaction
    assert re.search(r"postgresql://\S*@127\.0\.0\.1:\d+/rotations", document["error"])
    assert "s3cr3t-pw" not in result.stdout + result.stderr
    assert not (tmp_path / "config/out").exists()  # nothing written


def test_the_served_record_counts_a_person_once_a_day_across_rosters(tmp_path: Path,
                                                                      pg_url: str) -> None:
    """Two rosters of a fleet book @tbliu98 on the same days: the one record (a schema every
    roster shares on PostgreSQL; the shared state_dir on SQLite) holds each day once."""
    from datetime import date, timedelta

    from sync.run.record import ServedRecord
    from tests.record.test_served_record import night, roster

    start = date(2026, 1, 5)
    payments = roster([(start, start + timedelta(days=27), ("tbliu98", "kenji-sato"))])
    search = roster([(start, start + timedelta(days=27), ("tbliu98", "priya-nair"))])
    when = night(payments, start + timedelta(days=10))
    for url in (None, pg_url):
        for name, lived in (("payments", payments), ("search", search)):
            store = StateStore(tmp_path / "state", url=url, namespace=name)
            assert ServedRecord(store).record(lived, when) == []
        days = ServedRecord(StateStore(tmp_path / "state", url=url, namespace="search")).days()
        served = [d for d in days if d.entry.handle == "tbliu98"]
        assert len(served) == 10 == len({d.entry.day for d in served}), url
        assert {d.entry.handle for d in days} == {"tbliu98", "kenji-sato", "priya-nair"}
