# Two commands matter: `make demo` and `make test`. Both run `make setup` first.
VENV := .venv
PY := $(VENV)/bin/python
export LANG := C.UTF-8
export RPY2_CFFI_MODE := API

.PHONY: setup build lint test test-py sanitize leakcheck demo demo-py bench bench-setup golden docs-r clean

setup:
	@bash tools/setup.sh

# Rebuild the C core after editing native/.
build: setup
	$(VENV)/bin/pip install -q -e '.[r,dev]'
	@touch $(VENV)/.mxnet_r_compat-installed

# ruff (rules in pyproject.toml) and mypy on the whole package (it ships py.typed).
lint: setup
	$(VENV)/bin/ruff check mxnet_r_compat tests bench r_examples
	$(VENV)/bin/mypy mxnet_r_compat

# pytest-xdist: one test worker per core; most of the suite's time is R and MPI child
# processes starting up, which two cores run side by side (docs/ARCHITECTURE.md, Tests).
test: setup lint
	$(PY) -m pytest -q -n auto
	@$(MAKE) --no-print-directory sanitize

# The C core built with AddressSanitizer and UBSan, the C-facing tests run against it
# (SANITIZE_SUITE=all: every test), then a training run under LeakSanitizer (docs/RELIABILITY.md).
sanitize: setup
	@bash tools/sanitize.sh

# Only the LeakSanitizer step: a training run must leak nothing from the C core.
leakcheck: setup
	@bash tools/sanitize.sh leakcheck

demo: setup
	$(VENV)/bin/mxnet-rscript r_examples/callback_function.R

demo-py: setup
	$(PY) r_examples/callback_function.py

# Ours, a numpy baseline and real MXNet 1.9.1 side by side; ratios and the targets
# (bench/run.py). The MXNet venv (.venv-mxnet) is made once by bench-setup.
bench: setup bench-setup
	$(PY) bench/run.py

bench-setup:
	@bash bench/setup_mxnet.sh

# The R help pages (mxnet_r_compat/R/mxnet/man/*.Rd) from the roxygen comments of R/*.R;
# commit the result (tests/rpkg/test_docs.py fails when they are stale).
docs-r: setup
	Rscript -e 'roxygen2::roxygenise("mxnet_r_compat/R/mxnet", roclets = "rd")'

golden: setup
	UPDATE_GOLDEN=1 $(PY) -m pytest -q tests/test_tutorials.py

clean:
	rm -rf build native/build mxnet_r_compat/_native*.so mxnet_r_compat/_native*.c mxnet_r_compat/_native*.o
