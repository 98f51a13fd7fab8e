# The two commands (see README): `make demo` runs the main job, `make test` runs the tests.
# Each sets up everything it needs first (scripts/setup.sh).
.PHONY: setup demo test lint bench clean

VENV := .venv/bin


setup:
	@bash scripts/setup.sh

demo: setup
	@$(VENV)/gendexhand demo --out runs/demo

lint: setup
	$(VENV)/ruff check src tests benchmarks
	$(VENV)/ruff format --check src tests benchmarks
	$(VENV)/mypy

test: lint
	$(VENV)/pytest -n 2 tests

bench: setup
	$(VENV)/python benchmarks/bench_core.py
	$(VENV)/python benchmarks/bench_assets.py

clean:
	rm -rf runs .pytest_cache .mypy_cache .ruff_cache
