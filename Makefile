# vispipe — build, test, benchmark. `make test` and `make demo` work on a fresh Debian machine.
SWIFT        ?= swift
# Release builds are tuned for the CPU they are built on (vispipe is built where it runs: AVX2 /
# AVX-512 for our own loops); `make release NATIVE=` builds a portable binary instead.
NATIVE       ?= -Xswiftc -target-cpu -Xswiftc native -Xcc -march=native
RELEASE      := $(SWIFT) build -c release $(NATIVE)
# Python with the reference packages (Fixtures/requirements.txt), used only by `make bench` anchors.
PYTHON       ?= $(firstword $(wildcard ../venv/bin/python) python3)
APT_PACKAGES := pkg-config libpng-dev libjpeg-dev libopenblas-dev

.PHONY: all deps build release test demo bench clean

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
	$(RELEASE)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The demo job: the bundled ShapesWorld detector over the 16 committed demo scenes, then COCO AP
# against their bundled ground truth. Generates nothing at run time.
DEMO_IMAGES := Fixtures/images/demo
DEMO_OUT    := Outputs/demo
demo: release
	@echo "== vispipe demo: Pipelines/demo.json (Fixtures/models/shapes-detr) over $(DEMO_IMAGES) =="
	.build/release/vispipe run Pipelines/demo.json $(DEMO_IMAGES) --out $(DEMO_OUT) --force \
	    --coco-image-ids $(DEMO_IMAGES)/instances.json
	@echo "== COCO bbox evaluation against $(DEMO_IMAGES)/instances.json =="
	@.build/release/vispipe eval detections --gt $(DEMO_IMAGES)/instances.json --results $(DEMO_OUT)/coco_results.json
	@echo "== Detections: $(DEMO_OUT)/results.jsonl; annotated images: $(DEMO_OUT)/annotated/ =="

# Release-mode micro-benchmarks of the tensor layer beside raw sgemm and PyTorch (skipped with a
# message when torch is not installed); figures go in Docs/benchmarks.md.
bench: deps
	$(RELEASE)
	@mkdir -p .build/bench
	-$(PYTHON) Tools/bench/torch_micro.py > .build/bench/torch_micro.jsonl
	.build/release/vispipe-bench --anchor .build/bench/torch_micro.jsonl
	$(PYTHON) Tools/bench/detr_bench.py
	python3 Tools/bench/runner_bench.py
	python3 Tools/bench/serve_load.py --duration 60 --clients 32

clean:
	rm -rf .build
