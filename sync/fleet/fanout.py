"""Every command that takes `-c` runs over a fleet: one mechanism at the CLI layer.

`FleetGroup` is the Typer app's command group. When a command with a `config` parameter is
looked up, its callback is wrapped: with an ordinary config it runs as it always did; with a
fleet file it runs once per roster (or for `--roster NAME` only), each in its own state
namespace and cross-roster scope, and its exit code and `--json` document are gathered into
`{"exit_code": <highest>, "rosters": {NAME: <document>}}`. A roster that fails, whatever the
reason, never stops the next one. Commands added later are covered with no change here;
a command that must serve the whole fleet at once (`schedule`) registers its own runner.
"""

from __future__ import annotations

import contextvars
import importlib
import io
import json
import sys
from collections.abc import Callable
from contextlib import nullcontext, redirect_stdout
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from sync.clients.limits import configure_quotas
from sync.clients.secrets import redact
from sync.config.model import config_path
from sync.errors import ConfigError, RotationSyncError
from sync.fleet.model import Fleet, FleetRoster, check_roster_config, is_fleet_file, load_fleet
from sync.fleet.scope import FleetScope, roster_scope
from sync.run.state import placed

ROSTER_OPTION = "--roster"
ROSTER_HELP = (" With a fleet file as -c, it runs for every roster of the fleet; "
               f"{ROSTER_OPTION} NAME runs it for that roster only.")
SELECTED: contextvars.ContextVar[str | None] = contextvars.ContextVar("roster", default=None)
Callback = Callable[..., Any]
# Commands that serve a whole fleet at once instead of roster by roster: the module holding
# their `run_fleet(fleet, rosters, callback, kwargs)` and `run_lone(callback, kwargs)`,
# imported only when that command runs (it may import heavy clients).
WHOLE_FLEET = {"schedule": "sync.fleet.schedule"}


class FleetGroup(TyperGroup):
    """The app's group: takes `--roster NAME` out of the arguments and wraps each command
    that reads a config so that it understands fleet files."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        rest, wanted = take_roster_option(args, self.takes_config(args))
        SELECTED.set(wanted)
        return list(super().parse_args(ctx, rest))

    def takes_config(self, args: list[str]) -> bool:
        command = self.commands.get(next((a for a in args if not a.startswith("-")), ""))
        return command is not None and any(p.name == "config" for p in command.params)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and command.callback is not None and \
                any(p.name == "config" for p in command.params) and \
                not getattr(command.callback, "fleet_aware", False):
            command.callback = fleet_aware(cmd_name, command.callback)
            command.help = (command.help or "").rstrip() + ROSTER_HELP
        return command


def take_roster_option(args: list[str], applies: bool) -> tuple[list[str], str | None]:
    """`--roster NAME` / `--roster=NAME` out of `args`, for commands that take -c."""
    if not applies:
        return args, None
    rest: list[str] = []
    wanted: str | None = None
    words = iter(args)
    for word in words:
        if word == ROSTER_OPTION:
            wanted = next(words, None)
            if wanted is None:
                raise typer.BadParameter("needs a roster name.", param_hint=ROSTER_OPTION)
        elif word.startswith(ROSTER_OPTION + "="):
            wanted = word.split("=", 1)[1]
        else:
            rest.append(word)
    return rest, wanted


def fleet_aware(name: str, callback: Callback) -> Callback:
    def run(**kwargs: Any) -> Any:
        path = config_path(kwargs.get("config"))
        wanted = SELECTED.get()
        special = importlib.import_module(WHOLE_FLEET[name]) if name in WHOLE_FLEET else None
        if not is_fleet_file(path):
            if wanted is not None:
                refuse(ConfigError(f"{ROSTER_OPTION} {wanted!r} needs -c to name a fleet file; "
                                   f"{path} is an ordinary config."), kwargs)
            return special.run_lone(callback, kwargs) if special else callback(**kwargs)
        try:
            fleet = load_fleet(path)
            rosters = (fleet.named(wanted),) if wanted is not None else fleet.rosters
        except RotationSyncError as error:
            refuse(error, kwargs)
        runner = special.run_fleet if special else run_roster_by_roster
        return runner(fleet, rosters, callback, kwargs)
    run.fleet_aware = True  # type: ignore[attr-defined]
    return run


def refuse(error: RotationSyncError, kwargs: dict[str, Any]) -> NoReturn:
    """A fleet file that cannot be used: one error, nothing run (the commands' own guard)."""
    from sync.cli.commands import fail

    fail(error, as_json=bool(kwargs.get("as_json")))
    raise typer.Exit(error.exit_code)  # fail() has exited already; this tells the type checker


def run_roster_by_roster(fleet: Fleet, rosters: tuple[FleetRoster, ...], callback: Callback,
                         kwargs: dict[str, Any]) -> None:
    as_json = bool(kwargs.get("as_json"))
    scope = FleetScope(fleet)
    documents: dict[str, Any] = {}
    highest = 0
    configure_quotas(fleet.settings.quotas)
    try:
        for roster in rosters:
            if not as_json:
                typer.echo(f"== Roster {roster.name} ({roster.config}) ==")
            code, documents[roster.name] = run_one(fleet, scope, roster, callback, kwargs)
            highest = max(highest, code)
    finally:
        configure_quotas(None)
    if as_json:
        sys.stdout.write(redact(json.dumps({"exit_code": highest, "rosters": documents},
                                           indent=2, default=str)) + "\n")
    raise typer.Exit(highest)


def run_one(fleet: Fleet, scope: FleetScope, roster: FleetRoster, callback: Callback,
            kwargs: dict[str, Any]) -> tuple[int, Any]:
    """One roster's command: its exit code and what it printed on stdout (its document)."""
    captured = io.StringIO()
    code = 0
    try:
        check_roster_config(fleet, roster)
        with placed(fleet.settings.state_url, roster.name), roster_scope(scope, roster.name), \
                capturing(captured, bool(kwargs.get("as_json"))):
            callback(**{**kwargs, "config": roster.config})
    except typer.Exit as stop:
        code = stop.exit_code
    except RotationSyncError as error:
        from sync.cli.commands import fail

        with capturing(captured, bool(kwargs.get("as_json"))):
            code = exit_code_of(fail, error, bool(kwargs.get("as_json")))
    return code, document(captured.getvalue(), code)


def exit_code_of(fail: Callable[[RotationSyncError, bool], None], error: RotationSyncError,
                 as_json: bool) -> int:
    try:
        fail(error, as_json)
    except typer.Exit as stop:
        return stop.exit_code
    return error.exit_code


def capturing(buffer: io.StringIO, as_json: bool) -> Any:
    """With --json each roster's document is kept for the fleet's one document."""
    return redirect_stdout(buffer) if as_json else nullcontext()


def document(text: str, code: int) -> Any:
    try:
        return json.loads(text) if text.strip() else {"exit_code": code}
    except json.JSONDecodeError:
        return {"exit_code": code, "output": text}
