# Inkseal: two commands on a fresh Debian/Ubuntu machine.
#   make run    set everything up, then start the workstation (simulated devices without hardware)
#   make test   set everything up, then run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.inkseal-installed
PIP_FLAGS ?= --disable-pip-version-check -q

.PHONY: run test setup system-deps bench bundle lint clean help

help:
	@echo "make run     set up (.venv, system packages) and start the workstation"
	@echo "make test    set up and run the whole test suite"
	@echo "make bench   run the benchmarks in bench/ (BENCH=\"pen seal\" for some)"
	@echo "make bundle  build the one-folder PyInstaller bundle into dist/"
	@echo "make lint    check the code with ruff (rules in pyproject.toml)"

system-deps:
	@tools/system-deps $(if $(filter test,$(MAKECMDGOALS)),--test,)

$(STAMP): pyproject.toml constraints.txt
	@$(MAKE) --no-print-directory system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) --upgrade pip
	$(BIN)/python -m pip install $(PIP_FLAGS) -c constraints.txt -e '.[test]'
	@touch $@

setup: $(STAMP)

run: system-deps $(STAMP)
	@$(BIN)/inkseal workstation; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 3 ]

test: system-deps $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH)

bundle: $(STAMP)
	$(BIN)/python -m pip install $(PIP_FLAGS) -c constraints.txt -e '.[bundle]'
	$(BIN)/pyinstaller --noconfirm build.spec

lint: $(STAMP)
	@test -x $(BIN)/ruff || $(BIN)/python -m pip install $(PIP_FLAGS) ruff
	$(BIN)/ruff check .

clean:
	rm -rf build dist .pytest_cache .hypothesis
