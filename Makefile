# listen-coach: `make run` to practise, `make test` to check. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export PIP_DISABLE_PIP_VERSION_CHECK := 1
#: Every install takes its versions, and the build backend's, from the lockfile.
LOCK := -c requirements.txt --build-constraint requirements.txt

.DEFAULT_GOAL := help
.PHONY: help setup setup-test system system-test models run demo test bench train-scorer exercises-audio lint check clean

help:  ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

system:
	@bash scripts/setup-system.sh

system-test:
	@bash scripts/setup-system.sh --test

$(STAMP): pyproject.toml requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "setup: installing Python packages into $(VENV) (first time takes a few minutes)"
	@# pip itself is pinned too: --build-constraint (the build backend's versions) needs 25.3+.
	$(PY) -m pip install --quiet pip==26.3
	$(PY) -m pip install --quiet $(LOCK) -e '.[dev]'
	@# The voice encoder's weights (the `voices` extra), without its torch/librosa
	@# dependencies: the encoder runs in numpy.
	$(PY) -m pip install --quiet --no-deps $(LOCK) resemblyzer
	@touch $@

models: $(STAMP)
	@$(PY) -m listen_coach models install --quiet

setup: system $(STAMP) models  ## Install system packages, the venv and the offline models

setup-test: system-test $(STAMP) models

run: setup  ## Set up, then start the app
	@$(VENV)/bin/listen-coach

test: setup-test  ## Set up, then run the test suite
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup-test  ## Measure speed and accuracy; writes bench/results.json
	$(PY) -m bench

train-scorer: setup  ## Retrain the point-presence model (needs ../shared; about 30 min on 2 cores)
	$(PY) -m pip install --quiet $(LOCK) -e '.[dev,train]'
	$(PY) -m training.train_scorer
	$(PY) -m training.fit_combiner

exercises-audio: $(STAMP)  ## Render missing solo-passage audio (FORCE=1: all) with Piper TTS
	$(PY) -m pip install --quiet $(LOCK) -e '.[dev,tts]'
	$(PY) scripts/exercise_audio.py $(if $(FORCE),--force,)

lint: $(STAMP)  ## Ruff and mypy
	$(VENV)/bin/ruff check listen_coach tests bench training
	$(VENV)/bin/mypy listen_coach

check: lint test  ## Lint, then test

clean:  ## Remove the venv and assembled models
	rm -rf $(VENV) models/*/
