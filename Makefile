# rotation-sync: `make run` syncs the sample roster on local backends; `make test` checks it all.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONFIG ?= config/example.toml

.PHONY: run test lint typecheck unit bench clean docs browser

$(BIN)/rotation-sync: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/rotation-sync
	$(BIN)/rotation-sync sync -c $(CONFIG)

lint: $(BIN)/rotation-sync
	$(BIN)/ruff check sync tests benchmarks

typecheck: $(BIN)/rotation-sync
	$(BIN)/mypy sync

unit: $(BIN)/rotation-sync
	$(BIN)/pytest -n 2 -p no:cacheprovider

test: lint typecheck browser unit

# The HTML report is checked by rendering it in headless Chromium; install it where we can.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1; } || \
	  echo "Chromium is not installed: the HTML report rendering test will be skipped."

bench: $(BIN)/rotation-sync
	$(BIN)/python benchmarks/bench_sync.py

clean:
	rm -rf $(VENV) config/out config/state .mypy_cache .ruff_cache .pytest_cache

docs: $(BIN)/rotation-sync
	$(BIN)/python -c "import re, pathlib; from sync.config.reference import config_reference as ref; \
	p = pathlib.Path('README.md'); t = p.read_text(); \
	b, e = '<!-- config-reference:begin -->\n', '<!-- config-reference:end -->'; \
	p.write_text(t.split(b)[0] + b + ref() + e + t.split(e)[1])"
