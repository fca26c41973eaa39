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

# npm ci prints nothing for about 2 minutes on a fresh clone: a line every PROGRESS_EVERY seconds
# says it still runs (test/cli/make-progress.test.ts).
PROGRESS_EVERY ?= 10
$(DEPS): package-lock.json package.json
	@echo "installing dependencies: npm ci (about 2 minutes on a fresh clone)"
	@npm ci --no-audit --no-fund --loglevel=error & pid=$$!; s=0; \
	  while kill -0 $$pid 2>/dev/null; do sleep 1; s=$$((s + 1)); \
	    if [ $$((s % $(PROGRESS_EVERY))) -eq 0 ] && kill -0 $$pid 2>/dev/null; then echo "  npm ci still installing ($$s s)"; fi; done; \
	  wait $$pid
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

test: $(DEPS) $(CHROMIUM) signer-toolchains
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

# Toolchains of the reference signers (signers/: Go, PHP, Python's Ed25519 package), tested through
# `accord check-signer` in test/signers/: Debian's packages, installed where missing.
.PHONY: signer-toolchains
signer-toolchains:
	@command -v go >/dev/null && command -v php >/dev/null && /usr/bin/python3 -c 'import cryptography' 2>/dev/null || \
	{ $(AS_ROOT)apt-get update && DEBIAN_FRONTEND=noninteractive $(AS_ROOT)apt-get install -y golang-go php-cli python3-cryptography; }

clean:
	rm -rf node_modules .accord
