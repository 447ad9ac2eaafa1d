"""Runs rotation-sync commands for the benchmarks, one forked process per command.

Started once per world and service, it imports every module of the package, then
reads one JSON line per command on stdin ({"argv": [...], "env": {...}}) and answers one
JSON line on stdout: the command's wall time, CPU time, exit code and peak memory. Each command runs
in a fork of this process, so it pays no interpreter start nor import (the start is
measured apart, by bench_startup.py), and its peak resident memory is its own.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sync

CLIENTS = ("icalendar", "slack_sdk", "gspread", "googleapiclient.discovery", "github")


def preload() -> None:
    """Every module of the package and the clients: a command's figures hold no import."""
    for module in pkgutil.walk_packages(sync.__path__, "sync."):
        importlib.import_module(module.name)
    for name in CLIENTS:
        importlib.import_module(name)
    gc.freeze()  # as sync/__main__.py does after its imports


def run_in_fork(argv: list[str], env: dict[str, str]) -> dict[str, float | int]:
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os._exit(run_command(argv, env))
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
            "exit": os.waitstatus_to_exitcode(status),
            "peak_mib": usage.ru_maxrss / 1024}  # Linux reports KiB


def run_command(argv: list[str], env: dict[str, str]) -> int:
    """The forked child: the command, its output thrown away, its exit code returned."""
    from sync.cli.commands import main

    os.environ.update(env)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    sys.argv = ["rotation-sync", *argv]
    try:
        main()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    return 0


def serve() -> None:
    preload()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        os.chdir(request["cwd"])
        print(json.dumps(run_in_fork(request["argv"], request["env"])), flush=True)


if __name__ == "__main__":
    serve()
