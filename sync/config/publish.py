"""The [feeds] and [page] config sections: static files any web server, bucket or GitHub
Pages serves (written by every sync; see sync/run/publish.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sync.config.durations import bounded
from sync.core.durations import days_of
from sync.core.section import LocalPath, Section

FEED_SECRET = "ROTATION_SYNC_FEED_SECRET"
HORIZON = ("horizon", "1d", "730d")  # two years, the bound of every horizon


class Feeds(Section):
    dir: LocalPath = Field(description="Folder of the calendar feeds: all.ics and "
                           "people/<token>.ics, one per People row (needs the environment "
                           f"variable {FEED_SECRET}).")
    base_url: str | None = Field(None, description="Where `dir` is served (e.g. "
                                 "\"https://oncall.example.com/feeds\"), for the links "
                                 "`rotation-sync feeds --links` prints.")
    horizon: Annotated[str, bounded(*HORIZON)] = Field(
        "52w", description="How far ahead a person's feed shows shifts (\"52w\", \"365d\"); "
        "it starts 90 days back.")

    @property
    def horizon_days(self) -> int:
        return days_of(self.horizon, *HORIZON)


class Page(Section):
    dir: LocalPath = Field(description="Folder of the who's-on-call page: index.html and "
                           "now.json.")
