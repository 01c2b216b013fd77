# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
RASA     := $(VENV)/bin/rasa
STAMP    := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
MODEL    := models/chargepoint.tar.gz
# What the model is made from: its data, the code of the pipeline's own components, and the country resolver's code
# and data (the vocabulary, the directory's countries), which make the place-name features.
TRAINING := bot/config.yml $(wildcard bot/domain/*.yml bot/data/*.yml data/nlu/*.yml) data/vocabulary.yaml data/directory.yaml \
	$(addprefix rasa_extensions/,crf_entities.py intent_classifier.py linear_svm.py place_names.py sentence_embeddings.py) \
	$(addprefix actions/,countries.py language_names.py text_matching.py vocabulary.py)
RASA_DATA := --config bot/config.yml --domain bot/domain --data data/nlu bot/data
# The tools venv: tools that need newer packages than Rasa allows (locust, matplotlib), from any Python >= 3.10.
TOOLS       := .tools
TOOLS_PY    := $(TOOLS)/bin/python
TOOLS_STAMP := $(TOOLS)/.installed-$(shell sha1sum bench/requirements-tools.txt | cut -c1-12)
# The web chat's widget (rasa-webchat, exact versions in web/package-lock.json), installed into web/node_modules.
WEB_STAMP   := web/node_modules/.installed-$(shell sha1sum web/package-lock.json | cut -c1-12)
# The web chat in Debian's Chromium: run by the tools venv's pytest (Playwright; no Rasa there), so that
# tests/conftest.py, which imports the action server's modules, is not loaded.
BROWSER_TESTS := $(TOOLS_PY) -m pytest tests/browser --confcutdir tests/browser

export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help install system tools run scale test test-browser lint format validate train bench bench-load report-faults lock clean audit forget

help:
	@echo "make run    install, train if needed, and start the bot (REST on :5005, actions on :5055, web chat on :8080)"
	@echo "make test   install, lint, validate, train if needed, and run every test"
	@echo "make test-browser  only the web chat's tests, in Debian's Chromium (screenshots in tests/artifacts/)"
	@echo "make bench  print training time, model size, REST latency and NLU scores per language"
	@echo "make bench-load  the bot under load (locust): single and two-server setups at 1, 10 and 50 conversations,"
	@echo "            written to bench/results.md and bench/latency.png (about 5 minutes)"
	@echo "make report-faults  1,000 fuzz requests and injected faults (action server slow and killed, directory"
	@echo "            edited broken, Rasa killed) against the real bot: 5xx, faults survived, events lost (about 2 minutes)"
	@echo "make scale  start the scale-out setup: 2 Rasa servers on PostgreSQL + Redis behind nginx (:8000)"
	@echo "make audit  check requirements.lock for known vulnerabilities (pip-audit; AUDIT_STRICT=1: fail if it cannot)"
	@echo "make forget SENDER=<id>  delete one person's conversation (ENDPOINTS=bot/endpoints.scale.yml for the"
	@echo "            scale-out's PostgreSQL)"

install: $(STAMP) system $(WEB_STAMP)

system:
	@scripts/install-system-packages.sh

$(STAMP): requirements.lock scripts/find-python.sh
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
	  python=$$(scripts/find-python.sh) && rm -rf $(VENV) && "$$python" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==24.0
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $@

# Any Python >= 3.10 will do: $$TOOLS_PYTHON, python3 on the PATH, or the 3.10 the Rasa venv is made from.
$(TOOLS_STAMP): bench/requirements-tools.txt
	@if [ ! -x $(TOOLS_PY) ] || ! $(TOOLS_PY) -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then \
	  python=""; \
	  for candidate in "$${TOOLS_PYTHON:-}" python3 "$$(scripts/find-python.sh 2>/dev/null)"; do \
	    if [ -n "$$candidate" ] && "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then \
	      python=$$candidate; break; \
	    fi; \
	  done; \
	  [ -n "$$python" ] || { echo "make tools needs a Python >= 3.10 (set TOOLS_PYTHON)" >&2; exit 1; }; \
	  rm -rf $(TOOLS) && "$$python" -m venv $(TOOLS); \
	fi
	$(TOOLS_PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements-tools.txt
	rm -f $(TOOLS)/.installed-* && touch $@

tools: $(TOOLS_STAMP)

# npm ci installs exactly the lock's versions; --ignore-scripts: the widget ships built, no install script runs.
$(WEB_STAMP): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "The web chat needs npm: sudo apt-get install npm (or make system as root)" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Retrained whole when anything in TRAINING changed (`--force`: without Rasa's training cache, which keys a component
# by its name, settings and inputs, not by its code).
$(MODEL): $(STAMP) $(TRAINING)
	$(RASA) train $(RASA_DATA) --force --out models --fixed-model-name chargepoint
	touch $@

train: $(MODEL)

run: $(MODEL) $(WEB_STAMP)
	scripts/run.sh

scale: $(MODEL) system
	$(PY) -m launch.cluster --port 8000 --servers 2

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

validate: $(STAMP)
	$(PY) scripts/validate_data.py $(RASA_DATA)

test: system lint validate audit $(MODEL) $(TOOLS_STAMP) $(WEB_STAMP)
	$(PY) -m pytest
	$(BROWSER_TESTS)

test-browser: system $(MODEL) $(TOOLS_STAMP) $(WEB_STAMP)
	$(BROWSER_TESTS)

# pip-audit runs from the tools venv; security/audit.py decides: a finding not in security/known-vulnerabilities.yaml
# fails, and an audit that could not get the advisory data says so (and fails with AUDIT_STRICT=1).
audit: $(STAMP) $(TOOLS_STAMP)
	$(PY) security/audit.py --pip-audit $(TOOLS)/bin/pip-audit

# Deletes one conversation from the tracker store, e.g. when a person asks for it: make forget SENDER=<sender id>.
ENDPOINTS ?= bot/endpoints.yml
forget: $(STAMP)
	@[ -n "$$SENDER" ] || { echo "usage: make forget SENDER=<sender id> [ENDPOINTS=bot/endpoints.yml]" >&2; exit 2; }
	$(PY) -m rasa_extensions.conversations --endpoints "$(ENDPOINTS)" delete --sender "$$SENDER"

bench: $(MODEL)
	$(PY) bench/bench.py

# Starts each setup itself (PostgreSQL and Redis must be running for the two-server one); loopback only, bounded.
bench-load: $(MODEL) $(TOOLS_STAMP) system
	$(PY) bench/load.py --tools $(TOOLS)

# Starts its own bot on free loopback ports; bounded (1,000 requests, four faults).
report-faults: $(MODEL)
	$(PY) bench/faults.py

lock: $(STAMP)
	( echo '# Exact versions for Python 3.10, installed by `make install`; regenerate with `make lock`.'; \
	  $(PY) -m pip freeze --exclude-editable ) > requirements.lock

clean:
	rm -rf $(VENV) $(TOOLS) models run .pytest_cache .ruff_cache web/node_modules
