# LabSync developer commands. The README's quick start is `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run demo test test-fast lint typecheck bench package package-onefile screenshots clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "LabSync needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[portal,dev,packaging]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	@sh packaging/linux/check-qt-libs.sh
	$(BIN)/labsync --demo

test: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

test-fast: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/run_all.py

package: install
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build packaging/labsync.spec
	@if [ "$$(uname -s)" = "Linux" ]; then sh packaging/linux/make-tarball.sh; else du -sh dist/labsync dist/LabSync.app 2>/dev/null || true; fi

package-onefile: install
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist/onefile --workpath build/onefile packaging/labsync.spec -- --onefile
	@du -h dist/onefile/labsync*

screenshots: install
	$(BIN)/python docs/make_screenshots.py

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
