"""The command line and what it prints.

Commands with a module of their own register themselves on `commands.app` when imported;
importing them here (the package is imported before any of its modules) registers them for
every entry point, with no import cycle (`commands` never imports them)."""

from sync.cli import cover, feeds, ledger, propose  # noqa: F401
