# akhbar: every target sets itself up from pyproject.toml + constraints.txt.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: compile run test test-fast bench bench-start bench-flow bench-scale bench-scale-slow ui eval train-ner train-events clean-state help

help:
	@echo "make compile - (re)build the compiled (Cython) copies of the events and entities modules whose source changed (akhbar/compiled.py)"
	@echo "make run    - install (if needed) and run the pipeline on seeds/ into data/"
	@echo "make test   - install (if needed) and run the whole test suite"
	@echo "make bench  - benchmarks (stage and end-to-end throughput, peak memory)"
	@echo "make bench-start - wall time of \`akhbar run\` on the seeds with no server: cold, new output, reruns (target <= 8 s)"
	@echo "make bench-flow - end-to-end flow throughput, one process vs worker processes (BENCH_FLOW_DASK=1 adds dask), 10k documents"
	@echo "make bench-scale - peak RSS (process tree) and throughput of a whole run on 10k and 50k realistic news documents, with ratios to a same-run read+normalise baseline"
	@echo "make bench-scale-slow - the same at 10k, 50k and 100k (slow, opt-in)"
	@echo "make ui     - start a local Prefect server + UI on 127.0.0.1:4200"
	@echo "make train-events - rebuild the ASSAULT/PROTEST salience decision (akhbar/resources/models/events_decision*.json) from the GSR dev half's tune split"
	@echo "make train-ner - rebuild the NER tagger (akhbar/resources/models/ner*.crfsuite + card) from ../shared/data"
	@echo "make clean-state - remove Prefect's state (database, cached stage results): \$$AKHBAR_STATE or ~/.local/state/akhbar"

$(STAMP): pyproject.toml constraints.txt
	@echo "installing akhbar and its dependencies into $(VENV) (first time: about two minutes) ..."
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test,compiled]"
	$(PY) -m akhbar.compiled tasks.events tasks.entities tasks.entities.ner tasks.entities.rules
	touch $(STAMP)
	@echo "installed: $(VENV)/bin/akhbar"

compile: $(STAMP)
	$(PY) -m akhbar.compiled tasks.events tasks.entities tasks.entities.ner tasks.entities.rules

run: $(STAMP)
	$(VENV)/bin/akhbar run --input seeds --output data

test: $(STAMP)
	$(PY) -m pytest

test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow"

bench: $(STAMP) compile
	$(PY) -m bench.run

bench-start: $(STAMP)
	$(PY) -m bench.bench_start

bench-flow: $(STAMP)
	$(PY) -m bench.bench_flow

bench-scale: $(STAMP)
	$(PY) -m bench.bench_scale

bench-scale-slow: $(STAMP)
	BENCH_SCALE_SIZES=10000,50000,100000 $(PY) -m bench.bench_scale

ui: $(STAMP)
	$(VENV)/bin/akhbar server

SHARED ?= ../shared/data
train-ner: $(STAMP)
	$(VENV)/bin/akhbar train ner --data $(SHARED)/anercorp/train.txt --lists-from $(SHARED) \
		--unlabeled $(SHARED)/arabic_event_gsr_dev/assault_gsr.csv --unlabeled $(SHARED)/arabic_event_gsr_dev/protest_gsr.csv

train-events: $(STAMP)
	$(VENV)/bin/akhbar train events --gsr $(SHARED)/arabic_event_gsr_dev

eval: $(STAMP)
	$(VENV)/bin/akhbar eval entities
	$(VENV)/bin/akhbar eval events

clean-state:
	rm -rf "$$(PYTHONPATH=. $(PY) -c 'from flows.settings import state_dir; print(state_dir())')"
