# One command each; every target sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready
NODE_READY := node_modules/.package-lock.json
export NO_MKDOCS_2_WARNING := 1
# The tests keep Python's compiled files (and pytest's rewritten test modules) even where the machine sets
# PYTHONDONTWRITEBYTECODE: each test worker, build and PDF worker process would compile them again (3 s a
# worker). Empty is unset for Python. The caches' keys read the sources only.
test test-processes test-unit test-quality: export PYTHONDONTWRITEBYTECODE :=

.PHONY: site serve test test-unit test-processes test-quality bench clean translations check-translations newsletter system system-quality system-bench check-properdocs

# The Debian packages of system-packages.txt this machine lacks: installed as root or with sudo that asks
# no password; otherwise one line names the command to run.
system:
	@$(PYTHON) tools/system_packages.py site

system-quality:
	@$(PYTHON) tools/system_packages.py quality

system-bench:
	@$(PYTHON) tools/system_packages.py bench

$(READY): requirements.txt | system
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Front-end packages pinned in package-lock.json (Leaflet and world-atlas for the partners map, which
# the build copies into the site; test tools). The build stops with "run npm ci" if they are missing.
$(NODE_READY): package.json package-lock.json | system
	npm ci --no-audit --no-fund
	touch $@

site: system $(READY) $(NODE_READY)
	$(PY) -m tools.build

# Live preview of one language (lang=fr by default; lang=en, lang=es, or lang=all for every language),
# rebuilding only the page that changed; PDFs are not rendered (FPM_PDF=1 make serve renders them).
# port=8001 serves on another port.
serve: system $(READY) $(NODE_READY)
	$(if $(filter all,$(lang)),,FPM_LANG=$(or $(lang),$(shell $(PY) -m tools.source_language))) \
	  $(VENV)/bin/mkdocs serve --dirty --livereload $(if $(port),--dev-addr 127.0.0.1:$(port))

# Every test but the quality gates and the build processes' scenarios, on every core (pytest-xdist; a
# module's tests stay on one worker, so the site its fixture builds is built once). test-unit runs the
# unit tests of pure functions alone.
test: system $(READY) $(NODE_READY)
	$(PY) -m pytest -m "not quality and not processes" -n auto --dist loadscope

# Whole builds run as processes and watched from outside: Ctrl-C, kill, two builds at once, a second build
# of the same commit from a clean copy, `make serve` on a copy of the project. .ci/run runs them.
test-processes: system $(READY) $(NODE_READY)
	$(PY) -m pytest -m processes -n auto --dist load

test-unit: $(READY)
	$(PY) -m pytest -m unit -n auto

# The quality gates that take minutes: every page in Chromium, the Nu Html Checker, axe-core (Debian's
# chromium and a Java runtime: system-packages.txt). .ci/run runs them after `make test`.
test-quality: system-quality $(READY) $(NODE_READY)
	$(PY) -m pytest -m quality

# Translation status: counts per section and language, pages to do, glossary and consistency problems.
# check-translations fails when anything is missing or outdated, or a problem is found.
translations: $(READY)
	$(PY) -m tools.translations status

check-translations: $(READY)
	$(PY) -m tools.translations check

# Scaffold the next newsletter issue in fr, en and es (date=YYYY-MM-DD to set its date; today by default).
newsletter: $(READY)
	$(PY) -m tools.newsletter $(if $(date),--date $(date))

# The build benchmark (bench/run.py): about 15 minutes on 2 cores; writes bench/RESULTS.md.
bench: system-bench $(READY) $(NODE_READY)
	$(PY) -m bench.run

# The same site built with ProperDocs (the maintained continuation of MkDocs 1.x) in its own .venv-properdocs:
# the files must be the same as MkDocs' (generator meta tag apart). .ci/run runs it.
PD_VENV := .venv-properdocs
$(PD_VENV)/.ready: requirements.txt requirements-properdocs.txt | system
	test -x $(PD_VENV)/bin/python || $(PYTHON) -m venv $(PD_VENV)
	$(PD_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PD_VENV)/bin/python -m pip install --quiet -r requirements-properdocs.txt
	touch $@

check-properdocs: $(READY) $(NODE_READY) $(PD_VENV)/.ready
	$(PY) -m tools.check_properdocs $(VENV)/bin/mkdocs $(PD_VENV)/bin/properdocs

clean:
	rm -rf site .site.build-* .pytest_cache
