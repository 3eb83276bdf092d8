# plan-to-data: the CHU Ibn Sina « Plan d'actions 2025 » PDF as a typed dataset.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all setup test test-fast lint golden-check robustness help

PDF ?= data/raw/plan_actions_2025.pdf
OUT ?= data/clean
VERIFY ?= uncertain
CORRECTIONS ?= data/corrections.csv
READER ?= pdfium
SEEDS ?= 40
# The exact versions every install uses (pyproject.toml states the ranges).
CONSTRAINTS := constraints.txt

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

all: setup  ## build $(OUT)/plan.duckdb and $(OUT)/*.parquet from $(PDF) (PDF=… OUT=… VERIFY=off|uncertain|all READER=pdfium|pdfplumber|tesseract CORRECTIONS=… QUIET=1; READER=tesseract reads every page by OCR)
	@$(BIN)/plan-to-data build $(PDF) --out $(OUT) --verify $(VERIFY) --reader $(READER) --corrections $(CORRECTIONS) $(if $(QUIET),-q,)

.PHONY: export
export: all  ## write $(OUT)/export/<table>.csv for every table and view and $(OUT)/export/plan.xlsx (builds $(OUT) first if needed)
	@$(BIN)/plan-to-data export $(OUT)

.PHONY: review
review: all  ## write the review site $(OUT)/review/ (every card beside its pages, every item's box; builds $(OUT) first if needed)
	@$(BIN)/plan-to-data review $(OUT) --pdf $(PDF)

.PHONY: notebook
notebook: all  ## open notebooks/analyst.ipynb in Jupyter on $(OUT)/plan.duckdb (installs the notebook extra)
	@$(BIN)/pip install -qq -c $(CONSTRAINTS) -e '.[dev,notebook]'
	PLAN_DB=$(abspath $(OUT))/plan.duckdb $(BIN)/jupyter notebook notebooks/analyst.ipynb

setup: $(BIN)/.installed native bytecode chromium tesseract fonts  ## build the virtual environment from nothing (the exact versions of constraints.txt) and the pdfium reader's native helper, and install chromium for the browser tests, tesseract for scans and the fonts of the seeded layouts

# The project's modules compiled ahead (their __pycache__): an editable install leaves them as sources, and a
# Python told not to write bytecode (PYTHONDONTWRITEBYTECODE) would compile them again at every start. Only
# the modules changed since are compiled: fast when nothing changed.
PACKAGES := extract normalize schemas load vocabulary plan_to_data review
.PHONY: bytecode
bytecode: $(BIN)/.installed
	@$(BIN)/python -m compileall -q -j 0 $(PACKAGES) >/dev/null

# The pdfium reader's native helper (extract/readers/pdfium_chars.c): a page's characters read in one call
# instead of four ctypes calls per character. A shared library built next to its source, loaded by the reader,
# which reads the characters one by one where it is absent. Needs a C compiler: installed when run as root
# (Debian's gcc); otherwise one line saying what to install. Silent when it is there.
NATIVE_CHARS := extract/readers/pdfium_chars.so

.PHONY: native compiler
native: $(NATIVE_CHARS)

$(NATIVE_CHARS): extract/readers/pdfium_chars.c | compiler
	@if command -v $(firstword $(CC)) >/dev/null 2>&1; then \
	  $(CC) -O2 -Wall -shared -fPIC -o $@ $< || { echo "setup: $(CC) could not build $@"; exit 1; }; \
	fi

compiler:
	@sh tools/need.sh "command -v $(firstword $(CC))" gcc "the pdfium reader's native helper needs a C compiler; without it the reader reads characters one by one"

# The OCR engine and its French model for scanned pages (Debian packages), installed when run as root;
# otherwise one line saying what to install. Silent when they are there.
.PHONY: tesseract
tesseract:
	@sh tools/need.sh "command -v tesseract && tesseract --list-langs | grep -qx fra" "tesseract-ocr tesseract-ocr-fra" "scanned pages need it"

# The condensed faces the seeded layouts draw with (reconstruct/layouts.py): Debian's fonts-dejavu-extra,
# installed when run as root; otherwise one line saying what to install. Silent when they are there.
.PHONY: fonts
fonts:
	@sh tools/need.sh "test -f /usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf" fonts-dejavu-extra "the seeded layouts draw with its condensed faces"

# The browser the review site's tests drive: Debian's chromium, installed when run as root; otherwise one line
# saying what to install. Silent when it is there.
.PHONY: chromium
chromium:
	@sh tools/need.sh "command -v chromium" chromium "the browser tests need it"

# pip -qq: errors only (not the warnings about package index locations that do not hold a package).
$(BIN)/.installed: pyproject.toml $(CONSTRAINTS)
	@echo "setup: building $(VENV) (the exact versions of $(CONSTRAINTS))"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -qq --upgrade pip
	@$(BIN)/pip install -qq -c $(CONSTRAINTS) -e '.[dev]'
	@touch $@
	@echo "setup: $(VENV) ready"

test: setup  ## run the test suite (all of it)
	$(BIN)/pytest

test-fast: setup  ## run the tests not marked slow: normalizers, schemas, units, the command line (under a minute)
	$(BIN)/pytest -m "not slow"

lint: setup  ## ruff: lint and formatting check (configured in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

golden-check: setup  ## validate the golden set; compare it with the text export and with its second reading
	$(BIN)/plan-to-data check

robustness: setup  ## extract SEEDS seeded layouts of the plan and score them against the golden set (SEEDS=40; READER=…)
	$(BIN)/plan-to-data robustness --seeds $(SEEDS) --reader $(READER)

.PHONY: source-pdf variants
source-pdf: setup  ## rebuild data/raw/plan_actions_2025.pdf from the golden set (needs LibreOffice)
	@command -v soffice >/dev/null 2>&1 || { echo "source-pdf: LibreOffice not found (soffice); install it: apt-get install -y libreoffice-writer-nogui fonts-crosextra-carlito"; exit 1; }
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[dev,reconstruct]'
	$(BIN)/python -m reconstruct.docx_render data/raw/plan_actions_2025.pdf
	sha256sum data/raw/plan_actions_2025.pdf

variants: setup  ## draw the test renderings of the plan (ruled, borderless, reflow, scanned) into build/variants/
	$(BIN)/python -m reconstruct.pdf_render build/variants

.PHONY: bench
bench: setup  ## compare the pipeline with pdfplumber, camelot, tabula and unstructured on the reconstruction and its renderings (writes bench/RESULTS.md), then time make all against camelot and the pdfium floor (bench.reader_time)
	@command -v java >/dev/null 2>&1 || { echo "bench: no Java runtime (tabula needs one); install it: apt-get install -y default-jre-headless"; exit 1; }
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[dev,bench]'
	$(BIN)/plan-to-data bench
	$(BIN)/python -m bench.reader_time --runs 3
