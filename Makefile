# Two commands for a new user (see README):
#   make run    install everything (model included), build the index from corpus/, start the UI
#   make test   the same set-up if needed, then lint and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run setup install model index browser test lint eval eval-full bench bench-scale

run: setup
	$(BIN)/assistant serve

setup: install model index

install: $(VENV)/.installed

# torch first, from the local CPU wheel: otherwise pip pulls gigabytes of CUDA.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test,distributed]'
	touch $@

model: install
	$(BIN)/assistant setup-model

index: model
	$(BIN)/assistant ingest corpus/

# Debian's Chromium for the browser tests (Playwright's own download does not work offline).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: setup browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -rs --hypothesis-profile=ci

eval: setup
	$(BIN)/assistant eval

# XQuAD (240 paragraphs), the seeds among 2,000 SaudiNewsNet distractors, the naive baseline; hours on 2 cores
# the first time (the indexes are cached under artifacts/eval/indexes/).
eval-full: setup
	$(BIN)/assistant eval --full

bench: setup
	$(BIN)/python benchmarks/bench_pipeline.py --xquad

# The seeds among 5,000 SaudiNewsNet articles (97,946 passages and sentences to embed), then 300,000
# passages (synthetic): about an hour on a 2-core VNNI machine, three on an AVX2 one, the first time (the
# index is cached under artifacts/eval/indexes/, shared with `assistant eval`, and resumes if cut short).
bench-scale: setup
	$(BIN)/python benchmarks/bench_scale.py --articles 5000 --chunks 300000
