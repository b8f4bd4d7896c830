# Onramp. `make run` serves on 0.0.0.0:8080 (override: make run HOST=127.0.0.1 PORT=9000);
# variables already in the environment (DATABASE_URL, ONRAMP_*) reach the server as they are.
SHELL := /bin/bash
HOST ?= 0.0.0.0
PORT ?= 8080

.PHONY: run build test test-sqlite bench fmt clean

build:
	swift build

run: build
	.build/debug/onramp serve --hostname $(HOST) --port $(PORT)

# Everything: deps, build, swift test on SQLite and on PostgreSQL, browser tests.
test:
	bash scripts/test.sh

# Just the Swift suite on SQLite (ONRAMP_TEST_DATABASE_URL unset).
test-sqlite:
	swift test

bench:
	bash scripts/bench.sh

fmt:
	@if swift format --version >/dev/null 2>&1; then \
		swift format --in-place --recursive Sources Tests; \
	else \
		echo "swift format is not available in this toolchain; nothing formatted"; \
	fi

clean:
	swift package clean
	rm -rf test-output
