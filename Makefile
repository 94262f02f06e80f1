# Two commands on a fresh machine with Python 3.11+ and make:
#   make run    set up .venv, read samples/inbox, write outputs/
#   make test   set up .venv, run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

INBOX ?= samples/inbox
OUT ?= outputs

.PHONY: run test test-deep setup lock samples clean bench docs

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,dask]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python samples/make_samples.py --restore-mtimes
	$(BIN)/digest run --inbox $(INBOX) --out $(OUT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder

# More Hypothesis examples than the derandomised CI profile, new ones each time.
test-deep: $(STAMP)
	HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest tests/test_review_property.py tests/test_robustness.py

# Speed and memory as ratios against the bare libraries (N files, default 300).
bench: $(STAMP)
	$(BIN)/python bench/run_bench.py -n $(or $(N),300) $(ARGS)

# Regenerate the sample corpus (needs LibreOffice) and the pinned versions.
samples: $(STAMP)
	$(BIN)/python samples/make_samples.py

# Regenerate the README's pictures in docs/ from a run over the samples (needs LibreOffice).
docs: $(STAMP)
	$(BIN)/python docs/make_docs.py

lock:
	rm -rf /tmp/digest-lock && $(PYTHON) -m venv /tmp/digest-lock
	/tmp/digest-lock/bin/pip install --quiet '.[dev,dask]'
	/tmp/digest-lock/bin/pip freeze --exclude-editable | grep -v '^report-digest' > constraints.txt

clean:
	rm -rf $(VENV) $(OUT)/*.jsonl $(OUT)/*.json
