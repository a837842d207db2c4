# vispipe — build, test, benchmark. `make test` and `make demo` work on a fresh Debian machine.
SWIFT        ?= swift
# Python with the reference packages (Fixtures/requirements.txt), used only by `make bench` anchors.
PYTHON       ?= $(firstword $(wildcard ../venv/bin/python) python3)
APT_PACKAGES := pkg-config libpng-dev libjpeg-dev libopenblas-dev

.PHONY: all deps build release test bench clean

all: build

# Installs the C libraries when missing: with apt-get as root, otherwise prints the command and stops.
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	  else \
	    echo "Missing Debian packages:$$missing"; \
	    echo "Run: sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Release-mode micro-benchmarks of the tensor layer beside raw sgemm and PyTorch (skipped with a
# message when torch is not installed); figures go in Docs/benchmarks.md.
bench: deps
	$(SWIFT) build -c release --product vispipe-bench
	@mkdir -p .build/bench
	-$(PYTHON) Tools/bench/torch_micro.py > .build/bench/torch_micro.jsonl
	.build/release/vispipe-bench --anchor .build/bench/torch_micro.jsonl

clean:
	rm -rf .build
