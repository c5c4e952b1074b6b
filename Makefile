# The portal's two commands: `make run` and `make test`. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test setup migrate lint format messages bench bench-data check-deploy clean e2e-tools

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py seed_demo
	PORT=$(PORT) scripts/run

# Test tooling of the browser tests (axe-core from npm), never served by the portal.
E2E_TOOLS := tests/e2e/tools
$(E2E_TOOLS)/node_modules/.installed: $(E2E_TOOLS)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(E2E_TOOLS) && npm ci --no-audit --no-fund --silent && touch node_modules/.installed; \
	else echo "npm not found: the accessibility checks of the browser tests cannot run"; fi

e2e-tools: $(E2E_TOOLS)/node_modules/.installed

test: setup e2e-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate the Chinese catalogue after changing texts (needs GNU gettext), then translate.
messages: setup
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=bench
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

bench-data: setup
	$(BIN)/python -m bench.generate $(BENCH_ARGS)

bench: setup
	$(BIN)/python -m bench.scoped_list $(BENCH_ARGS)

check-deploy: setup
	DJANGO_SETTINGS_MODULE=portal.settings_production ALLOW_SQLITE=1 \
	SECRET_KEY=$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets;print(secrets.token_urlsafe(64))')} \
	ALLOWED_HOSTS=portal.example.cn $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# Check a host's configuration before the portal starts on it (README, "部署"), as the
# service user with the environment file of the systemd units:
#   sudo -u portal ENV_FILE=/etc/portal/portal.env make check-host
.PHONY: check-host
ENV_FILE ?= /etc/portal/portal.env
check-host: setup
	$(BIN)/python -m portal.management.commands.check_host --env-file "$(ENV_FILE)"
