# accord — two commands on a fresh machine with Node and make:
#   make        the main job: install, lint and validate the specs, run the signing vectors, summary
#   make test   the whole test suite (what CI runs, through .ci/run)
SHELL := /bin/bash
.DEFAULT_GOAL := all
ACCORD := node bin/accord.mjs
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true
export NO_UPDATE_NOTIFIER := 1

# Dependencies are installed from the committed lockfile when absent or older than it.
DEPS := node_modules/.package-lock.json

.PHONY: all deps lint validate vectors generate check-generated mock serve test typecheck bench clean

$(DEPS): package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(DEPS)

all: $(DEPS)
	@$(ACCORD) all

lint: $(DEPS)
	@$(ACCORD) lint

validate: $(DEPS)
	@$(ACCORD) validate

vectors: $(DEPS)
	@$(ACCORD) vectors

generate: $(DEPS)
	@$(ACCORD) generate

check-generated: $(DEPS)
	@$(ACCORD) generate --check

mock: $(DEPS)
	@$(ACCORD) mock

serve: $(DEPS)
	@$(ACCORD) serve

typecheck: $(DEPS)
	npx tsc --noEmit -p .

test: $(DEPS)
	npx vitest run

bench: $(DEPS)
	@$(ACCORD) bench

clean:
	rm -rf node_modules .accord
