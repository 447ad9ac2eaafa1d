"""The planner's guard against a roster that would wipe what rotation-sync owns."""

from __future__ import annotations

from sync.core.diff.plan import TargetPlan, diff, mass_delete


class Row(str):
    def describe(self) -> str:
        return str(self)


def plan_for(desired: list[str], actual: list[str]) -> TargetPlan:
    wanted = {key: Row(key) for key in desired}
    have = {key: Row(key) for key in actual}
    return TargetPlan("calendar", wanted, have, diff(wanted, have))


def test_most_of_at_least_three_is_refused() -> None:
    assert mass_delete(plan_for(["a"], ["a", "b", "c", "d"])) is not None  # 3 of 4
    assert mass_delete(plan_for(["a", "b"], ["a", "b", "c", "d"])) is None  # 2 of 4
    assert mass_delete(plan_for(["a", "b", "c"], ["a", "b", "c", "d", "e", "f"])) is None


def test_leaving_nothing_is_refused_even_for_small_targets() -> None:
    assert mass_delete(plan_for([], ["a"])) is not None
    assert mass_delete(plan_for(["b"], ["a"])) is None, "a moved rotation is not a wipe"


def test_the_message_says_how_to_override() -> None:
    message = mass_delete(plan_for(["a"], ["a", "b", "c", "d"]))
    assert message is not None and "--force-delete" in message and "3 of the 4" in message
