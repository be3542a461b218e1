# The README's commands: `make run` and `make test` build .venv on first use (`make run`
# installs the app, `make test` adds the test tools). README "Installing" explains the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The lock (`make lock` writes it): every package of the test environment, pinned.
LOCK := constraints.txt
# torch: `cpu` installs the locked CPU build (on Linux from PyTorch's CPU index, since PyPI's
# Linux torch is a CUDA build of about 3 GB; elsewhere PyPI's, which is the CPU build);
# `skip` keeps the torch you already have (see README).
TORCH ?= cpu
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
TORCH_VERSION := $(shell sed -n 's/^torch==\([^ ;]*\).*/\1/p' $(LOCK))
SYSTEM := $(shell uname -s)
STATE := $(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)-$(TORCH)
RUN_STAMP := $(VENV)/.installed-run-$(STATE)
TEST_STAMP := $(VENV)/.installed-test-$(STATE)
# uv resolves the lock and the lowest versions; it lives in a venv of its own.
UV_VERSION := 0.13.9
TOOLS := .venv-tools
UV := $(TOOLS)/bin/uv
LOWEST := .venv-lowest
# What `make test-lowest` runs: all but the snapshots, which hold the locked Textual's exact
# rendering, and the long fuzzing (README "Lowest versions").
SMOKE := tests --ignore=tests/test_snapshots.py --ignore=tests/test_snapshots_lr_views.py \
	--ignore=tests/test_snapshots_replay_data.py --ignore=tests/test_snapshots_see_inside.py

.PHONY: run test test-lowest lock screenshots format clean fuzz bench

# pip compiles every module of every package it installs (torch's, sympy's: thousands never
# imported, about a quarter of the set-up's time); --no-compile leaves that out, and the
# set-up then compiles what the app and the tests import, once (PRECOMPILE). Python's caches
# are written even where PYTHONDONTWRITEBYTECODE is set, or each start compiles them again.
PIP_INSTALL = $(BIN)/python -m pip install --no-compile
PRECOMPILE = PYTHONDONTWRITEBYTECODE= $(BIN)/python -c

# The venv and torch: the first step of both set-ups.
ifeq ($(TORCH),skip)
define INSTALL_TORCH
test -x $(BIN)/python || $(PYTHON) -m venv --system-site-packages $(VENV)
@$(BIN)/python -c "import torch" 2>/dev/null || { echo "TORCH=skip, but $(VENV) sees no \
torch: install yours into it ($(BIN)/pip install torch ...), or install it for $(PYTHON) \
and delete $(VENV) (a new one sees the packages of $(PYTHON))."; exit 1; }
grep -v '^torch==' $(LOCK) > $(VENV)/constraints-own-torch.txt
$(BIN)/python -c "import importlib.metadata as m; print('torch==' + m.version('torch'))" \
	>> $(VENV)/constraints-own-torch.txt
endef
# The lock without its torch line, and the torch you have (above), so that pip never replaces it.
else ifeq ($(SYSTEM),Linux)
# --no-deps: torch's own dependencies come with the app's, from the default index. A machine
# that cannot reach the CPU index still finds a local torch wheel that pip is told about.
define INSTALL_TORCH
test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
$(PIP_INSTALL) --no-deps --retries 2 --timeout 20 \
	--index-url $(TORCH_INDEX) "torch==$(TORCH_VERSION)" || { echo "Could not install \
torch $(TORCH_VERSION) from $(TORCH_INDEX). Offline? Or use your own: make $(MAKECMDGOALS) \
TORCH=skip (README: Installing)."; exit 1; }
endef
else
define INSTALL_TORCH
test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
$(PIP_INSTALL) --no-deps "torch==$(TORCH_VERSION)"
endef
endif

# A set-up: $(1) what to install (`.` or `.[test]`), $(2) the modules to compile at once.
# `make test` on a fresh clone installs the app and the test tools in one step (one build of
# the package, not two) and counts as the app's set-up too.
define SET_UP
@echo "Setting up $(VENV): $(if $(filter skip,$(TORCH)),your torch,torch $(TORCH_VERSION) \
(the CPU build: about 200 MB)) and the packages of '$(1)'; a few minutes the first time."
$(INSTALL_TORCH)
$(PIP_INSTALL) $(CONSTRAINTS) -e '$(1)'
$(PRECOMPILE) "import $(2)"
endef
RUN_IMPORTS := torch, gradtui.cli, gradtui.ui.app
TEST_IMPORTS := $(RUN_IMPORTS), pytest, xdist, hypothesis, syrupy, aiohttp, textual.pilot

$(RUN_STAMP): pyproject.toml $(LOCK)
	$(call SET_UP,.,$(RUN_IMPORTS))
	rm -f $(VENV)/.installed-run-*
	touch $@

$(TEST_STAMP): pyproject.toml $(LOCK)
	$(if $(wildcard $(RUN_STAMP)),$(PIP_INSTALL) $(CONSTRAINTS) -e '.[test]',$(call SET_UP,.[test],$(TEST_IMPORTS)))
	$(if $(wildcard $(RUN_STAMP)),$(PRECOMPILE) "import $(TEST_IMPORTS)")
	rm -f $(VENV)/.installed-run-* $(VENV)/.installed-test-*
	touch $(RUN_STAMP) $@

CONSTRAINTS = -c $(if $(filter skip,$(TORCH)),$(VENV)/constraints-own-torch.txt,$(LOCK))

run: $(RUN_STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/gradtui $(ARGS)

# Test processes: twice the cores of a CI machine. The UI tests spend much of their time idle
# (Textual's Pilot waits at least 40 ms after each key for the app to go quiet), so two per
# core keep both cores busy; with one per core the load average stayed near 1.
TEST_WORKERS ?= 4

test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The long fuzzing run: 10,000 hypothesis examples per kind (the default suite runs 500), and
# 3,000 random keys on every screen with two more seeds (the default suite sends 100).
fuzz: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -m slow $(PYTEST_ARGS)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install "uv==$(UV_VERSION)"

# Where uv takes torch from: PyTorch's CPU index when it answers (PyPI's Linux torch is a CUDA
# build); else, offline, the locked CPU build from the wheels pip is told about (find-links).
FIND_LINKS = $(or $(PIP_FIND_LINKS),$(shell $(PYTHON) -m pip config get global.find-links 2>/dev/null))
define uv_torch
if $(PYTHON) -c "import sys, urllib.request as r; r.urlopen(sys.argv[1] + '/torch/', timeout=10)" \
	"$(TORCH_INDEX)" 2>/dev/null; then torch="--torch-backend cpu"; \
elif [ -n "$(FIND_LINKS)" ]; then \
	echo "$(TORCH_INDEX) does not answer: torch $(TORCH_VERSION)+cpu from $(FIND_LINKS)."; \
	echo "torch==$(TORCH_VERSION)+cpu" > $(TOOLS)/torch-offline.txt; \
	torch="--override $(TOOLS)/torch-offline.txt"; export UV_FIND_LINKS="$(FIND_LINKS)"; \
else echo "$(TORCH_INDEX) does not answer, and pip knows no local wheels."; exit 1; fi
endef
UV_ENV := UV_PYTHON_DOWNLOADS=never UV_NO_CONFIG=1

# The lowest version of every direct dependency that pyproject.toml allows (uv's
# lowest-direct resolution), in .venv-lowest, and the tests above. torch is at its floor
# when PyTorch's CPU index answers; offline, the locked version (the output says so).
test-lowest: $(UV)
	rm -rf $(LOWEST)
	$(UV_ENV) $(UV) venv --python "$(PYTHON)" $(LOWEST)
	@$(uv_torch); set -x; $(UV_ENV) $(UV) pip install --python $(LOWEST)/bin/python \
		--resolution lowest-direct $$torch -e '.[test]'
	$(UV_ENV) $(UV) pip list --python $(LOWEST)/bin/python
	$(LOWEST)/bin/python -m pytest -q -n auto -p no:cacheprovider $(SMOKE) $(PYTEST_ARGS)

# Rewrite the lock: the newest versions pyproject.toml allows, resolved for CPython 3.11 on
# x86_64 Linux (what CI runs), torch kept at its locked version unless TORCH_VERSION=... The
# lock names torch without "+cpu", so it also constrains the CPU build from PyPI (macOS).
lock: $(UV)
	echo "torch==$(TORCH_VERSION)" > $(TOOLS)/torch-pin.txt
	@$(uv_torch); set -x; $(UV_ENV) $(UV) pip compile pyproject.toml --extra test \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 \
		--constraint $(TOOLS)/torch-pin.txt $$torch --no-emit-find-links \
		--no-emit-index-url --no-annotate --no-header --output-file $(TOOLS)/lock.txt
	{ echo "# The lock: every package of the test environment, pinned (torch: the CPU build)."; \
	  echo "# Generated by 'make lock' (uv pip compile) from pyproject.toml: do not edit."; \
	  sed 's/^torch==\([^ +]*\)+cpu/torch==\1/' $(TOOLS)/lock.txt; } > $(LOCK)

# Timings, run by hand (never in the test suite): a few minutes; see benchmarks/README.md.
bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/bench_start.py
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_program.py
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_loop.py
	$(BIN)/python benchmarks/refusals.py

screenshots: $(TEST_STAMP)
	$(BIN)/python -m gradtui.screenshots docs

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) $(LOWEST) $(TOOLS) build dist *.egg-info
