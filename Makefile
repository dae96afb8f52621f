# One command each; every target sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test clean

$(READY): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

site: $(READY)
	$(PY) -m tools.build

serve: $(READY)
	$(VENV)/bin/mkdocs serve

test: $(READY)
	$(PY) -m pytest

clean:
	rm -rf site .site.build-* .pytest_cache
