# Two commands do everything on a fresh machine with Python 3.11+:
#   make run    serve the API on the embedded SQLite database (http://127.0.0.1:8000)
#   make test   lint, type-check and run the whole test suite
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .uv/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test install lint bench clean

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --frozen --python $(PYTHON) --quiet

run: install
	$(VENV)/bin/tradevantage serve $(ARGS)

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

test: lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Hot paths under wrk on PostgreSQL (needs wrk and a local PostgreSQL; about 4 minutes): bench/hot_paths.py
BENCH_ARGS ?=
bench: install
	$(VENV)/bin/python bench/hot_paths.py $(BENCH_ARGS)

clean:
	rm -rf .uv $(VENV) .mypy_cache .pytest_cache .ruff_cache
