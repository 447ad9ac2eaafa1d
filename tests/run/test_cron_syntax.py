"""The cron check that spares `validate` APScheduler never accepts what APScheduler would
refuse; what it does not know, it leaves to APScheduler."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.errors import ConfigError
from sync.run.cron_syntax import plainly_valid
from sync.run.scheduler import cron_trigger

ZONE = ZoneInfo("Europe/Berlin")
NUMBER = st.integers(0, 70).map(str)
ITEM = st.one_of(st.just("*"), NUMBER, st.tuples(NUMBER, NUMBER).map("-".join),
                 st.tuples(st.sampled_from(["*", "1-30", "5", "0-6"]), NUMBER)
                 .map("/".join), st.sampled_from(["mon", "jan", "L", "?", "", "1-"]))
FIELD = st.lists(ITEM, min_size=1, max_size=3).map(",".join)


def apscheduler_accepts(expression: str) -> bool:
    try:
        cron_trigger(expression, ZONE)
    except ConfigError:
        return False
    return True


@given(st.lists(FIELD, min_size=4, max_size=6).map(" ".join))
def test_what_it_accepts_apscheduler_accepts(expression: str) -> None:
    if plainly_valid(expression):
        assert apscheduler_accepts(expression), expression


@pytest.mark.parametrize("expression", ["0 2 * * *", "*/15 8-18 * * 1-5", "@daily",
                                        "0,30 9 1 * *", "0 9 * 1-12/3 *"])
def test_common_expressions_need_no_apscheduler(expression: str) -> None:
    assert plainly_valid(expression) and apscheduler_accepts(expression)


@pytest.mark.parametrize("expression", ["0 24 * * *", "0 9 1 * 1", "0 9 * * mon",
                                        "*/90 * * * *", "0 9 * *"])
def test_the_rest_goes_to_apscheduler(expression: str) -> None:
    assert not plainly_valid(expression)
