# The two commands of the README: `make run` and `make test`. Each builds .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test screenshots format clean fuzz bench

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# constraints.txt pins the CPU build of torch that we test with; an unpinned torch
	# would pull a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	$(BIN)/gradtui $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -n auto $(PYTEST_ARGS)

# The long fuzzing run: 10,000 hypothesis examples per kind (the default suite runs 500).
fuzz: $(STAMP)
	$(BIN)/python -m pytest -q -m slow $(PYTEST_ARGS)

# Timings, run by hand (never in the test suite): a few minutes; see benchmarks/README.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_start.py
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_program.py
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/refusals.py

screenshots: $(STAMP)
	$(BIN)/python -m gradtui.screenshots docs

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build *.egg-info
