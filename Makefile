# reply-analyzer: `make demo` and `make test` work on a fresh machine (they set up .venv first).
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed

DISCLOSURE := my boss tore my report apart in front of everyone, I feel like an idiot
REPLY      := ugh that sucks. just tell him he's wrong and ask HR to sit in next time

.PHONY: setup demo test benchmarks model clean

setup: $(STAMP)

# torch is installed first and pinned: any other way of asking pip for torch pulls a CUDA build.
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e ".[train,dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/reply-analyzer check --to "$(DISCLOSURE)" "$(REPLY)"

test: $(STAMP)
	$(VENV)/bin/pytest

benchmarks: $(STAMP)
	$(PY) benchmarks/run_all.py

# Rebuild the shipped default model from the project corpus (~30 min on 2 cores).
# The shipped model is distilled from the one shipped before it (training.distill):
# models/default as of commit $(TEACHER_COMMIT), taken from git so reruns use the same teacher.
TEACHER_COMMIT = 7bb3719
model: $(STAMP)
	rm -rf build/teacher && mkdir -p build/teacher
	git archive $(TEACHER_COMMIT) models/default | tar -x -C build/teacher
	$(PY) -m training.train --out models/default --order-seed 14 --teacher build/teacher/models/default

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
