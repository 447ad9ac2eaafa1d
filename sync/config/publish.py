"""The [feeds] and [page] config sections: static files any web server, bucket or GitHub
Pages serves (written by every sync; see sync/run/publish.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from sync.config.sections import HORIZON
from sync.core.section import LocalPath, Section

FEED_SECRET = "ROTATION_SYNC_FEED_SECRET"


def _weeks_or_days(value: str) -> str:
    if not HORIZON.match(value):
        raise ValueError(f"{value!r} is not a number of days or weeks, such as \"52w\" or "
                         "\"365d\"")
    return value


class Feeds(Section):
    dir: LocalPath = Field(description="Folder of the calendar feeds: all.ics and "
                           "people/<token>.ics, one per People row (needs the environment "
                           f"variable {FEED_SECRET}).")
    base_url: str | None = Field(None, description="Where `dir` is served (e.g. "
                                 "\"https://oncall.example.com/feeds\"), for the links "
                                 "`rotation-sync feeds --links` prints.")
    horizon: Annotated[str, AfterValidator(_weeks_or_days)] = Field(
        "52w", description="How far ahead a person's feed shows shifts (\"52w\", \"365d\"); "
        "it starts 90 days back.")

    @property
    def horizon_days(self) -> int:
        match = HORIZON.match(self.horizon)
        assert match is not None
        return int(match[1]) * (7 if match[2] == "w" else 1)


class Page(Section):
    dir: LocalPath = Field(description="Folder of the who's-on-call page: index.html and "
                           "now.json.")
