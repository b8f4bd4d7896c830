# Onramp. `make run` serves on 0.0.0.0:8080 (override: make run HOST=127.0.0.1 PORT=9000);
# variables already in the environment (DATABASE_URL, ONRAMP_*) reach the server as they are.
SHELL := /bin/bash
HOST ?= 0.0.0.0
PORT ?= 8080
# What `make fmt` formats (e.g. make fmt FMT_PATHS=Sources/OnrampDomain/Tickets).
FMT_PATHS ?= Sources Tests Package.swift

.PHONY: run build test test-sqlite test-postgres test-e2e test-fuzz lint bench fmt clean

build:
	swift build

run: build
	.build/debug/onramp serve --hostname $(HOST) --port $(PORT)

# Everything: deps, lint, build, swift test on SQLite and on PostgreSQL, browser tests, fuzzing.
test:
	bash scripts/test.sh

# Just the Swift suite on SQLite (ONRAMP_TEST_DATABASE_URL unset).
test-sqlite:
	swift test

# One part of `make test` (scripts/test.sh PHASE...), with the deps and build phases it
# needs; what it starts (PostgreSQL, servers, the SMTP sink) is stopped again.
# The Swift suite on a private PostgreSQL 15 cluster.
test-postgres:
	bash scripts/test.sh postgres

# The browser tests: against one server (e2e), and across two servers on one PostgreSQL (live).
test-e2e:
	bash scripts/test.sh e2e live

# schemathesis against the served /openapi.json.
test-fuzz:
	bash scripts/test.sh fuzz

# swift format lint with the rules of .swift-format, plus tabs, trailing whitespace, file
# length and bash -n (scripts/lint.sh; no build). Part of `make test`.
lint:
	bash scripts/lint.sh

bench:
	bash scripts/bench.sh

# Formats in place with .swift-format. On today's tree this rewrites the layout of most
# files (continuation lines aligned under a parenthesis are re-indented): use FMT_PATHS.
fmt:
	swift format --in-place --parallel --configuration .swift-format --recursive $(FMT_PATHS)

clean:
	swift package clean
	rm -rf test-output
