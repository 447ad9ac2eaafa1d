"""Cover requests over Slack Socket Mode: Web API requests per action and how fast each
envelope is acknowledged, against the fake Slack of the tests (slack_sdk's real Socket Mode
client on a WebSocket on 127.0.0.1), with the CSV roster and local calendar.

Prints, per service: the Slack Web API calls of `/rotation cover` and of a Take (the sync it
runs included), and the ack latency of 50 `/rotation who` envelopes (median and max; Slack
allows 3 s), then the seconds from a Take to the updated message.

    make bench            # or: .venv/bin/python benchmarks/bench_cover.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apscheduler.schedulers.background import BackgroundScheduler  # noqa: E402

from sync.chat.serve import serve_cover  # noqa: E402
from sync.config.model import load_config  # noqa: E402
from sync.core.lived.clock import Clock  # noqa: E402
from sync.run.cover_blocks import TAKE  # noqa: E402
from tests.cover.slack_team import Team, eventually, sync_now, today, write_team  # noqa: E402
from tests.helpers import CEILING, PEOPLE  # noqa: E402
from tests.wire.fakes.slack import (  # noqa: E402
    APP_TOKEN,
    BOT_USER_ID,
    DEFAULT_TOKEN,
    FakeSlack,
    method_of,
)

WHO_ENVELOPES = 50


def calls(slack: FakeSlack) -> Counter[str]:
    return Counter(method_of(request) for request in slack.calls())


def shown(counts: Counter[str]) -> str:
    return ", ".join(f"{method} {n}" for method, n in sorted(counts.items())) or "none"


def bench(folder: Path, slack: FakeSlack) -> None:
    users = {h: slack.add_user(h.lower(), email, real_name=name)
             for h, (name, email, _tz) in PEOPLE.items()}
    channel = slack.add_channel("escalation-engineering",
                                members=[BOT_USER_ID, *(u.id for u in users.values())])
    slack.add_group("escalation-engineers")
    config = load_config(write_team(folder, slack))
    stop = serve_cover(config, BackgroundScheduler(timezone=config.tz), sync_now(config),
                       lambda: Clock.at(config.tz, config.handoff_time).now)
    try:
        assert slack.socket is not None
        slack.socket.wait_connected(CEILING)
        team = Team(slack, users, channel, config, folder)
        report(team)
    finally:
        stop()


def report(team: Team) -> None:
    slack, valery = team.slack, team.users["valerybugakov"]
    before = calls(slack)
    first = today().isoformat()
    team.slash(valery, f"cover {first} {first} bench")
    eventually(lambda: team.ephemerals(valery), "the request is posted")
    asked = calls(slack) - before
    print(f"Slack, /rotation cover: {shown(asked)}")
    before, started = calls(slack), time.perf_counter()
    team.click(team.users["sven-larsen"], team.posts()[0], TAKE)
    eventually(lambda: "Done:" in team.posts()[0].text, "done")
    updated = time.perf_counter() - started
    eventually(lambda: len(team.override_rows()) == 1, "the row")
    eventually(lambda: calls(slack)["usergroups.users.update"], "the sync")
    print(f"Slack, Take (with the sync it runs): {shown(calls(slack) - before)}")
    print(f"Take to updated message: {updated:.2f} s; Overrides rows: "
          f"{len(team.override_rows())}")
    acks = [team.slash(team.users["tbliu98"], "who").seconds for _ in range(WHO_ENVELOPES)]
    print(f"Socket Mode acks of {WHO_ENVELOPES} envelopes: median "
          f"{statistics.median(acks) * 1000:.1f} ms, max {max(acks) * 1000:.1f} ms "
          f"(Slack allows 3000 ms): {'met' if max(acks) < 3 else 'NOT met'}")


def main() -> None:
    os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_APP_TOKEN"] = DEFAULT_TOKEN, APP_TOKEN
    with tempfile.TemporaryDirectory() as folder, FakeSlack() as slack:
        bench(Path(folder), slack)


if __name__ == "__main__":
    main()
