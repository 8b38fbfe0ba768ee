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

# Rebuild the shipped default model from the project corpus (~29 min on 2 cores with bfloat16, the default of
# training.train; --no-bf16 on a CPU without avx512_bf16/AMX; OUT=DIR writes elsewhere).
# The shipped model is distilled from the model shipped before it (training.distill; several
# commits here would distil the mean of their models):
# models/default as of each of $(TEACHER_COMMITS), taken from git so reruns use the same teachers.
TEACHER_COMMITS = 61b446c
OUT ?= models/default
model: $(STAMP)
	rm -rf build/teachers && mkdir -p build/teachers
	for c in $(TEACHER_COMMITS); do mkdir -p build/teachers/$$c && git archive $$c models/default | tar -x -C build/teachers/$$c; done
	$(PY) -m training.train --out $(OUT) --order-seed 14 --patience 0 $(foreach c,$(TEACHER_COMMITS),--teacher build/teachers/$(c)/models/default)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
