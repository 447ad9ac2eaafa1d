# rotation-sync: `make run` syncs the sample roster on local backends; `make test` checks it all.
# Every install comes from uv.lock (exact versions and hashes); a stale lock fails the install.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONFIG ?= config/example.toml
PREFIX ?= /opt/rotation-sync
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
# Use this machine's Python; interpreter downloads are not reachable from every machine.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
SYNC := $(UV) sync --locked --quiet --python $(PYTHON)

.PHONY: run test test-latest lint typecheck unit bench bench-smoke clean docs browser lock \
	lock-upgrade runtime test-env install postgres

# uv itself comes from the package index, into a folder of its own (uv sync manages .venv).
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet uv==$(UV_VERSION)

# Runtime dependencies only; --inexact keeps the test group when `make test` installed it.
runtime: $(UV)
	$(SYNC) --inexact

test-env: $(UV)
	$(SYNC) --group test

run: runtime
	$(BIN)/rotation-sync sync -c $(CONFIG)

lint: test-env
	$(BIN)/ruff check sync tests benchmarks

typecheck: test-env
	$(BIN)/mypy sync

unit: test-env
	$(BIN)/pytest -n 2 -p no:cacheprovider

# The README's test command, and CI's (.ci/run): the checks, the suite, the smallest benchmark.
test: lint typecheck browser postgres unit bench-smoke

# The suite against the newest versions pyproject.toml allows (not CI): a library release
# that breaks us shows up here before it reaches users. Uses its own venv; uv.lock is untouched.
test-latest: $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) .venv-latest
	$(UV) pip install --quiet --python .venv-latest/bin/python --upgrade -e . --group test
	.venv-latest/bin/pytest -n 2 -p no:cacheprovider

# After editing pyproject.toml: re-resolve what changed. lock-upgrade: everything to newest.
lock: $(UV)
	$(UV) lock

lock-upgrade: $(UV)
	$(UV) lock --upgrade

# A runtime-only install for deployment: `make install PREFIX=/opt/rotation-sync`. Its
# interpreter is the system's Python (/usr/bin/python3 when there is one): the systemd unit's
# DynamicUser and ProtectHome cannot start one that lives under a home folder (pyenv, ~/.local).
INSTALL_PYTHON ?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || command -v $(PYTHON))
install: $(UV)
	@real="$$(readlink -f "$(INSTALL_PYTHON)")"; test -x "$$real" || \
	  { echo "make install: no Python at '$(INSTALL_PYTHON)'." >&2; exit 2; }; \
	for path in "$(INSTALL_PYTHON)" "$$real"; do case "$$path" in \
	  "$$HOME"/*|/home/*|/root/*|/run/user/*) echo "make install: $$path lives under a home" \
	    "folder, which the systemd unit cannot reach (ProtectHome, DynamicUser); install" \
	    "Python 3.11 or later from the system's packages and pass" \
	    "INSTALL_PYTHON=/usr/bin/python3." >&2; exit 2;; esac; done
	UV_PROJECT_ENVIRONMENT=$(PREFIX) $(UV) sync --locked --no-editable --python $(INSTALL_PYTHON)

# The HTML report and the who's-on-call page are checked in headless Chromium (Debian's
# package, driven by the `playwright` Python package of the test group: never
# `playwright install`); install it where we can. Under CI (CI=true) the page's browser tests
# fail rather than skip when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1; } || \
	  echo "Chromium is not installed (Debian package chromium): the HTML report and page browser tests will be skipped."

# The PostgreSQL state tests start a server from Debian's `postgresql` binaries; install them
# where we can (CI runs as root). Elsewhere those tests skip, naming the package; under
# CI=true they fail instead of skipping.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  command -v apt-get >/dev/null 2>&1 && (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1; } || \
	  echo "PostgreSQL is not installed (Debian package postgresql): the PostgreSQL state tests will be skipped."

# Figures per world, command and service (README "Benchmark"); one script per line.
bench: test-env
	$(BIN)/python benchmarks/bench_worlds.py
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/floor.py
	$(BIN)/python benchmarks/bench_time_off.py
	$(BIN)/python benchmarks/bench_planner.py
	$(BIN)/python benchmarks/bench_publish.py
	$(BIN)/python benchmarks/bench_hardening.py
	$(BIN)/python benchmarks/bench_cover.py
	$(BIN)/python benchmarks/bench_fleet.py

# The 100-rotation world on every service: fails when a benchmark cannot run or a request
# count rises above the README's budget table.
bench-smoke: test-env
	$(BIN)/python benchmarks/bench_worlds.py --sizes 100

clean:
	rm -rf $(VENV) $(TOOLS) .venv-latest config/out config/state .mypy_cache .ruff_cache .pytest_cache

docs: runtime
	$(BIN)/python -c "import re, pathlib; from sync.config.reference import config_reference as ref; \
	p = pathlib.Path('README.md'); t = p.read_text(); \
	b, e = '<!-- config-reference:begin -->\n', '<!-- config-reference:end -->'; \
	p.write_text(t.split(b)[0] + b + ref() + e + t.split(e)[1])"
