# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
RASA     := $(VENV)/bin/rasa
STAMP    := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
MODEL    := models/chargepoint.tar.gz
TRAINING := bot/config.yml $(wildcard bot/domain/*.yml bot/data/*.yml data/nlu/*.yml)
RASA_DATA := --config bot/config.yml --domain bot/domain --data data/nlu bot/data

export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help install run test lint format validate train bench lock clean

help:
	@echo "make run    install, train if needed, and start the bot (REST on :5005, actions on :5055)"
	@echo "make test   install, lint, validate, train if needed, and run every test"
	@echo "make bench  print training time, model size and REST latency"

install: $(STAMP)

$(STAMP): requirements.lock scripts/find-python.sh
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
	  python=$$(scripts/find-python.sh) && rm -rf $(VENV) && "$$python" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==24.0
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $@

# Retrained when any training file changed; Rasa's own fingerprint skips the parts that did not.
$(MODEL): $(STAMP) $(TRAINING)
	$(RASA) train $(RASA_DATA) --out models --fixed-model-name chargepoint
	touch $@

train: $(MODEL)

run: $(MODEL)
	scripts/run.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

validate: $(STAMP)
	$(PY) scripts/validate_data.py $(RASA_DATA)

test: lint validate $(MODEL)
	$(PY) -m pytest

bench: $(MODEL)
	$(PY) bench/bench.py

lock: $(STAMP)
	( echo '# Exact versions for Python 3.10, installed by `make install`; regenerate with `make lock`.'; \
	  $(PY) -m pip freeze --exclude-editable ) > requirements.lock

clean:
	rm -rf $(VENV) models run .pytest_cache .ruff_cache
