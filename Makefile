# The two commands of the quick start: `make run` and `make test`. Needs only python3 (with venv) and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
JOBFLOOR := $(VENV)/bin/jobfloor

.PHONY: run test install install-test bench stress clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

# The allocation kernel compiled ahead of time, so a release never waits for numba (needs a C compiler; without
# one, releases use the JIT kernel). Rebuilt when the allocator's source changes.
$(VENV)/.kernel: $(VENV)/.installed core/allocator/kernel.py core/allocator/arrays.py core/allocator/rules.py core/allocator/aot.py
	-$(PY) -m core.allocator.aot
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed $(VENV)/.kernel

install-test: $(VENV)/.installed-test

run: install
	$(JOBFLOOR) init --demo --if-new
	$(JOBFLOOR)

# In TEST_PROCS processes (pytest-xdist), then alone the few that restart the shared PostgreSQL server.
TEST_PROCS ?= 4
test: install-test
	$(VENV)/bin/lint-imports --no-cache
	-NUMBA_CACHE_DIR=$(CURDIR)/.numba_cache $(PY) -m core.allocator.aot  # once here, not in every test process
	$(PY) -m pytest -q -p no:cacheprovider -n $(TEST_PROCS) -m "not serial"
	$(PY) -m pytest -q -p no:cacheprovider -m serial

bench: install-test $(VENV)/.kernel
	$(PY) -m bench.all

stress: install-test
	$(PY) -m bench.stress

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
