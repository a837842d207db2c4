# vispipe — build, test, benchmark. `make test` and `make demo` work on a fresh Debian machine.
SWIFT        ?= swift
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

# Release-mode micro-benchmarks of the tensor layer; figures go in Docs/benchmarks.md.
bench: deps
	$(SWIFT) build -c release --product vispipe-bench
	.build/release/vispipe-bench

clean:
	rm -rf .build
