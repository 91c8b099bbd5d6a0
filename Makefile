# The two commands a person needs: `make run` and `make test`.
# Everything else here is a step those two call.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WEB_STAMP := web/node_modules/.installed

.PHONY: run test test-python test-web test-long lint typecheck install web clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The web client is built only when web/ exists (it arrives in its own issue).
$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $(WEB_STAMP)

# The built client (web/dist), rebuilt only when a source changed: the node serves it at `/`.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) \
	$(wildcard web/index.html web/vite.config.ts web/tsconfig.json web/package-lock.json)

web/dist/index.html: $(WEB_STAMP) $(WEB_SOURCES)
	cd web && npm run build
	touch $@

web:
	@if [ -f web/package.json ]; then $(MAKE) --no-print-directory $(WEB_STAMP) && \
	  if [ -f web/index.html ]; then $(MAKE) --no-print-directory web/dist/index.html; fi; fi

run: install web
	$(BIN)/odyssey migrate
	$(BIN)/odyssey seed
	$(BIN)/odyssey serve

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# The browser tests (tests/e2e) need the built client: build it first.
test-python: install web
	$(BIN)/pytest -q $(PYTEST_ARGS)

test-web:
	@if [ -f web/package.json ]; then $(MAKE) --no-print-directory $(WEB_STAMP) && cd web && \
	  npm test && npm run lint; else echo "no web/ yet"; fi

# The whole suite: lint, type check, Python tests on the engine ODYSSEY_TEST_DATABASE_URL picks
# (SQLite when unset), and the TypeScript tests.
test: lint test-python test-web

# Long mode: the 1,000,000-frame posbus fuzz and other slow checks.
test-long: install
	$(BIN)/pytest -q --long -m long

clean:
	rm -rf $(VENV) web/node_modules web/dist data
