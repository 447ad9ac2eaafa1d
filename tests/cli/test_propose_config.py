"""`[propose]` values out of range are configuration errors naming the key (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.config.model import parse_config
from sync.errors import ConfigError

SOURCE = {"kind": "csv", "rotations": "r.csv", "people": "p.csv"}


@pytest.mark.parametrize(("key", "value"), [
    ("horizon", "0d"), ("horizon", "521w"), ("horizon", "soon"), ("length", "27d"),
    ("length", "11w"), ("engineers", 0), ("engineers", 11), ("min_gap", "105w"),
    ("min_gap", "-1d"), ("max_per_team", 0), ("tab", ""), ("lenght", "28d")])
def test_a_value_out_of_range_names_the_key(key: str, value: object) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config({"source": SOURCE, "propose": {key: value}}, Path("/config"))
    assert f"propose.{key}" in str(error.value)
    assert error.value.exit_code == 2


def test_defaults_and_the_file_relative_to_the_config_folder() -> None:
    config = parse_config({"source": SOURCE}, Path("/config"))
    section = config.propose
    assert (section.horizon_days, section.length_days, section.engineers,
            section.min_gap_days, section.max_per_team, section.tab) == (182, 28, 3, 56, None,
                                                                         "Proposed")
    assert section.file == Path("/config/proposed.csv")
