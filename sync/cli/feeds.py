"""`rotation-sync feeds --links`: each person's calendar feed link, the one place it appears.

Registered on the app by importing this module (sync/cli/commands.py does, at its end).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sync.cli.commands import (
    ConfigOption,
    Invocation,
    JsonOption,
    LogFormatOption,
    TodayOption,
    app,
    configure_logging,
    guarded,
)
from sync.cli.safe import shown
from sync.clients.secrets import secret
from sync.config.publish import FEED_SECRET, Feeds
from sync.core.lived.roster import Roster
from sync.core.publish.feeds import feed_token
from sync.errors import ConfigError
from sync.run.publish import PEOPLE, WHY_SECRET

LinksOption = Annotated[bool, typer.Option(
    "--links", help="Print each person's feed link (give it to that person only).")]


@app.command()
@guarded
def feeds(config: ConfigOption = None, today: TodayOption = None, links: LinksOption = False,
          as_json: JsonOption = False, log_format: LogFormatOption = "text") -> None:
    """Print the calendar feeds' links: all.ics, and each person's own (a secret link)."""
    configure_logging(log_format)
    invocation = Invocation(config, today, None, as_json)
    if not links:
        raise typer.BadParameter("say what to print: --links.", param_hint="--links")
    settings = invocation.load()
    if settings.feeds is None:
        raise ConfigError(f"{invocation.config_file} has no [feeds] section: add one "
                          '(dir = "out/feeds", base_url = "https://…") to publish feeds.')
    key = secret(FEED_SECRET, WHY_SECRET)
    result = invocation.validate(settings)
    if result.roster is None:
        invocation.finish(result)
    assert result.roster is not None
    found = feed_links(settings.feeds, result.roster, key)
    print_links(invocation, found)
    invocation.emit({"exit_code": 0, **found,
                     "findings": [f.as_json() for f in result.findings]}, 0)


def feed_links(feeds: Feeds, roster: Roster, key: str) -> dict[str, Any]:
    """Links under `base_url`, or the files' paths when it is unset."""
    def link(name: str) -> str:
        if feeds.base_url:
            return f"{feeds.base_url.rstrip('/')}/{name}"
        return str(feeds.dir / name)

    people = sorted(roster.people.values(), key=lambda p: (p.name.lower(), p.key))
    return {"all": link("all.ics"),
            "links": [{"handle": p.github, "name": p.name,
                       "url": link(f"{PEOPLE}/{feed_token(key, p.github)}.ics")}
                      for p in people]}


def print_links(invocation: Invocation, found: dict[str, Any]) -> None:
    """One line per person, the link last and whole, so it can be copied as it is."""
    console = invocation.console
    console.print(shown(f"Every rotation and override: {found['all']}"), soft_wrap=True)
    console.print("Each person's own shifts (send each link to that person only):")
    for row in found["links"]:
        console.print(shown(f"  {row['name']} (@{row['handle']}): {row['url']}"),
                      soft_wrap=True)
