# Hamsu: two commands for a fresh machine.
#   make demo   install everything, load the demo company on SQLite, serve on localhost
#   make test   install everything and run the whole test suite
# Needs Python 3.11+, make, Node.js/npm (front-end assets) and GNU gettext (translations);
# make test also builds ChannelAttribution with a C++ compiler (optional, see below).

PYTHON ?= python3
UV_VERSION = 0.13.8
TOOLS = .tools
UV = $(TOOLS)/bin/uv
VENV = .venv
HAMSU = $(VENV)/bin/hamsu
export UV_PYTHON_DOWNLOADS = never
export UV_PROJECT_ENVIRONMENT = $(VENV)
export DJANGO_SETTINGS_MODULE = hamsu.settings

.PHONY: demo test install assets messages lint hooks browsers serve clean

demo: install
	$(HAMSU) demo --scale $(or $(SCALE),small)

test: install $(VENV)/.synced-bench browsers
	$(VENV)/bin/python -m pytest tests -p no:cacheprovider -n $(or $(JOBS),2) --dist loadfile $(PYTEST_ARGS)

install: $(VENV)/.synced assets messages

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

# Re-sync only when the lock changes, so repeated runs cost nothing. A venv that has the
# bench group (below) keeps it, so `make demo` after `make test` removes nothing.
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --locked --python $(PYTHON) $(if $(wildcard $(VENV)/.synced-bench),--group bench)
	touch $@

# The suite compares attribution with ChannelAttribution, from the bench group. It is built
# from source (a C++ compiler; ~35 s once, then cached by uv), so `make demo` does not need
# it; where it cannot be built, `make test` warns and those comparisons skip (CI makes such
# skips failures: see tests/optional.py).
$(VENV)/.synced-bench: $(VENV)/.synced
	@$(UV) sync --locked --group bench --python $(PYTHON) && touch $@ || \
		echo "warning: the bench dependency group did not install; the ChannelAttribution comparisons will skip" >&2

assets: node_modules/.package-lock.json

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

# Compiled catalogues (.mo) are build output: made from the committed .po files here.
messages: $(VENV)/.synced
	cd src/hamsu && env -u DJANGO_SETTINGS_MODULE ../../$(VENV)/bin/django-admin compilemessages -v0

# Browser tests drive Debian's Chromium; install it when we are root on Debian, otherwise
# the browser tests skip with a message saying what is missing.
browsers:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; fi

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy
	$(VENV)/bin/djlint src --lint
	$(HAMSU) makemigrations --check --dry-run

# The same checks before every commit (.pre-commit-config.yaml); one command installs them.
hooks: install
	$(VENV)/bin/pre-commit install

clean:
	rm -rf $(VENV) $(TOOLS) node_modules var
