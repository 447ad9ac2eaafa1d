"""Leadership on a real PostgreSQL: one leader at a time, the next one as soon as it goes."""

from __future__ import annotations

import threading

from sync.fleet.leader import Leadership
from tests.helpers import CEILING


def test_a_standby_leads_only_once_the_leader_is_gone(pg_url: str) -> None:
    first = Leadership(pg_url, "fleet", retry_seconds=0.05)
    assert first.wait()
    second = Leadership(pg_url, "fleet", retry_seconds=0.05)
    led = threading.Event()
    waiting = threading.Thread(target=lambda: led.set() if second.wait() else None)
    waiting.start()
    assert not led.wait(0.5)  # the first still leads
    first.stop()  # its session ends, as when the process dies
    assert led.wait(CEILING)
    waiting.join(CEILING)
    other_fleet = Leadership(pg_url, "another-fleet", retry_seconds=0.05)
    assert other_fleet.wait()  # leadership is per fleet
    second.stop()
    other_fleet.stop()


def test_a_leader_that_loses_its_session_stops(pg_url: str) -> None:
    lost = threading.Event()
    leader = Leadership(pg_url, "fleet", lost=lost.set)
    assert leader.wait()
    leader.connection.close()  # the server or the network dropped it
    assert lost.wait(CEILING)
    leader.stopped.set()
