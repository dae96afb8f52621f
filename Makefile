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

# Live preview of one language (lang=fr by default; lang=en, lang=es, or lang=all for every language),
# rebuilding only the page that changed; PDFs are not rendered.
serve: $(READY)
	$(if $(filter all,$(lang)),,FPM_LANG=$(or $(lang),fr)) $(VENV)/bin/mkdocs serve --dirty --livereload

test: $(READY)
	$(PY) -m pytest

clean:
	rm -rf site .site.build-* .pytest_cache
