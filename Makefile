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
# Headless Chromium (Debian's package) for the docs test; `make test` installs it when missing.
CHROMIUM := /usr/bin/chromium

.PHONY: all deps lint validate vectors generate check-generated mock serve test typecheck bench clean docs chromium pack

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

test: $(DEPS) $(CHROMIUM)
	npx vitest run

bench: $(DEPS)
	@$(ACCORD) bench

# The installable tarballs (@accord/cli and the four SDKs) in .accord/pack/
pack: $(DEPS)
	@$(ACCORD) pack

# Dredd (a second opinion) against the four sandboxes, in memory on free ports, with hooks that
# sign each request (harness/dredd/); test/harness/dredd.test.ts runs it in `make test`.
.PHONY: dredd
dredd: $(DEPS)
	@node --import tsx harness/dredd/main.ts

# The offline HTML reference (`accord docs`): .accord/docs/index.html
docs: $(DEPS)
	@$(ACCORD) docs

# Headless Chromium for the docs test (test/docs/): Debian's package, installed where missing.
# (root on CI and the project's machines; sudo elsewhere)
AS_ROOT = $(if $(filter 0,$(shell id -u)),,sudo )
$(CHROMIUM):
	$(AS_ROOT)apt-get update && DEBIAN_FRONTEND=noninteractive $(AS_ROOT)apt-get install -y chromium

chromium: $(CHROMIUM)

clean:
	rm -rf node_modules .accord
