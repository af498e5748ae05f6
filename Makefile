# The console's two commands: `make run` and `make test`. Both install what is missing
# first (idempotently), using only the package registries.

SHELL := /bin/bash
# Where `cargo install` puts the tools: $CARGO_HOME/bin, ~/.cargo/bin by default; before it, the
# wasm-opt release builds run (release-tools).
WASM_OPT_BIN := $(CURDIR)/target/wasm-opt/bin
export PATH := $(WASM_OPT_BIN):$(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)

# CI builds once, from a clean clone: incremental caches would only cost disk there.
ifdef CI
export CARGO_INCREMENTAL := 0
endif

CARGO_LEPTOS_VERSION := 0.3.11
WASM_BINDGEN_VERSION := 0.2.130
WASM_OPT_VERSION := 0.116.1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

SMTP_VENV := $(CURDIR)/target/smtp-venv
AIOSMTPD_VERSION := 1.4.6
# The test identity provider (server/tests/saml/idp.py): pysaml2 signing with xmlsec1.
SAML_VENV := $(CURDIR)/target/saml-venv
PYSAML2_VERSION := 7.5.5

.PHONY: run run-release debug-site release-site test tools rust-tools native-deps release-tools npm-deps chromium smtp-sink saml-idp sdk-deps scim-tester test-cargo test-e2e test-sdk bench fmt clean-e2e

# Every build splits the WASM at the lazy routes (each page its own chunk).
LEPTOS_BUILD := --split
# cargo-leptos builds with type-erased views (`always-erase-components`), passing this as
# RUSTFLAGS; cargo's own test and bench builds use the same flags, so the server's
# dependencies are compiled once for both.
ERASED := RUSTFLAGS="--cfg erase_components"

## make run: build as make test does and serve the console at http://127.0.0.1:3000 (data in
## ./data). Quick to build on a fresh machine: the Rust unoptimized but for argon2, the WASM
## uncompressed (12 MB for /users: meant for this machine, not a slow link). `make test` then
## reuses the same build.
run: debug-site
	target/debug/server

# The debug build (`target/debug/server` and `target/site`): what make run serves and the SDK
# suites test (Playwright's `cargo leptos end-to-end` builds the same).
debug-site: native-deps rust-tools
	cargo leptos build $(LEPTOS_BUILD)

## make run-release: the build as deployed — optimized, the WASM compressed (the first-load
## budgets) — served the same way, from target/release/server.
run-release: release-site
	target/release/server

# A release build as users get it: pre-compressed (brotli, gzip), then the lazy chunks also
# compressed against the main WASM for browsers that keep it as a dictionary (`dcz`).
release-site: native-deps release-tools
	cargo leptos build --release --precompress $(LEPTOS_BUILD)
	target/release/server site compress-chunks

## make test: every test — cargo (unit + HTTP integration), Playwright in Chromium, and
## Cloudinary's official SDKs (Python, Node) against the Provisioning API.
test: tools test-cargo test-e2e test-sdk

tools: native-deps rust-tools npm-deps chromium smtp-sink saml-idp sdk-deps scim-tester

# What SAML's XML signatures build against (samael's xmlsec feature: bindgen over libxml2 and
# xmlsec1 with OpenSSL), installed from Debian when missing.
NATIVE_PACKAGES := libxml2-dev libxmlsec1-dev libxmlsec1-openssl libssl-dev pkg-config libclang-dev clang
native-deps:
	@(pkg-config --exists xmlsec1-openssl libxml-2.0 openssl 2>/dev/null && command -v clang >/dev/null && \
		ls /usr/lib/llvm-*/lib/libclang.so >/dev/null 2>&1) || \
		($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(NATIVE_PACKAGES))

rust-tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@cargo install --list | grep -q "^wasm-bindgen-cli v$(WASM_BINDGEN_VERSION):" || \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --bin wasm-bindgen \
			--no-default-features $(WASM_BINDGEN_PROFILE)
	@cargo install --list | grep -q "^cargo-leptos v$(CARGO_LEPTOS_VERSION):" || \
		cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --ignore-rust-version \
			$(CARGO_LEPTOS_PROFILE)

# The tools compile quickly rather than run at their fastest (docs/benchmarks.md, "A fresh
# machine"): cargo-leptos unoptimized but for the compression and WASM-splitting crates it
# spends its time in (its own release profile is fat LTO in one unit: 12 min on 2 cores, now 4).
# wasm-bindgen alone (not its test runner, nor the TLS the runner's web client would need),
# unoptimized but for the crates it spends its time in: 2 min 26 s → 1 min 21 s, and a release
# build's bindings written in 0.29 s instead of 0.21, the same files.
WASM_BINDGEN_PROFILE := --config profile.release.opt-level=0 --config profile.release.debug=false \
	--config profile.release.package.walrus.opt-level=3 \
	--config profile.release.package.wasm-bindgen-cli-support.opt-level=3
CARGO_LEPTOS_PROFILE := --config profile.release.opt-level=0 --config profile.release.lto=false \
	--config profile.release.codegen-units=16 --config profile.release.debug=false \
	--config profile.release.package.brotli.opt-level=3 \
	--config profile.release.package.miniz_oxide.opt-level=3 \
	--config profile.release.package.walrus.opt-level=3

# Release builds only (make run-release, make bench): cargo-leptos runs `wasm-opt -Oz` on every WASM file
# and would otherwise download it; debug builds (make test) never run it. On x86-64 Linux it is
# Binaryen's own library, release 116, from a pinned wheel (frontend/wasm_opt.py drives it: the
# same bytes as the compiled tool) — compiling Binaryen's C++ took 6 minutes of a fresh machine.
# Elsewhere, the `wasm-opt` crate of the same release, compiled (its C++ at -O1: the same output).
WASM_OPT_VENV := $(CURDIR)/target/wasm-opt/venv
WASM_OPT_PROFILE := --config profile.release.opt-level=1 --config profile.release.lto=false \
	--config profile.release.codegen-units=16
release-tools: rust-tools
ifeq ($(shell uname -sm),Linux x86_64)
	@$(WASM_OPT_BIN)/wasm-opt --version 2>/dev/null | grep -q "^wasm-opt version $(word 2,$(subst ., ,$(WASM_OPT_VERSION))) " || ( \
		rm -rf $(WASM_OPT_VENV) && mkdir -p $(WASM_OPT_BIN) && \
		(python3 -m venv $(WASM_OPT_VENV) 2>/dev/null || \
			($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv $(WASM_OPT_VENV))) && \
		$(WASM_OPT_VENV)/bin/pip install -q --no-deps --require-hashes -r frontend/wasm_opt.requirements.txt && \
		printf '#!/bin/sh\nexec %s %s "$$@"\n' $(WASM_OPT_VENV)/bin/python $(CURDIR)/frontend/wasm_opt.py > $(WASM_OPT_BIN)/wasm-opt && \
		chmod +x $(WASM_OPT_BIN)/wasm-opt)
else
	@cargo install --list | grep -q "^wasm-opt v$(WASM_OPT_VERSION):" || \
		cargo install wasm-opt --version $(WASM_OPT_VERSION) --locked $(WASM_OPT_PROFILE)
endif

npm-deps:
	@[ -x end2end/node_modules/.bin/playwright ] && [ -f end2end/node_modules/cloudinary/package.json ] && \
		[ -f end2end/node_modules/@axe-core/playwright/package.json ] || \
		(cd end2end && npm ci --no-audit --no-fund)

chromium:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium)

# A real SMTP server for the email delivery test: Python's aiosmtpd in a virtualenv.
smtp-sink:
	@$(SMTP_VENV)/bin/python -c "import aiosmtpd" 2>/dev/null || ( \
		(python3 -m venv $(SMTP_VENV) 2>/dev/null || \
			($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv $(SMTP_VENV))) && \
		$(SMTP_VENV)/bin/pip install -q aiosmtpd==$(AIOSMTPD_VERSION))

# The official Python SDK, in the release that sends JSON and the one that sends multipart.
SDK_PYTHON_VERSIONS := 1.46.3 1.44.1
# Fuzzes the Provisioning API from its OpenAPI document.
SCHEMATHESIS_VENV := $(CURDIR)/target/schemathesis-venv
SCHEMATHESIS_VERSION := 4.32.5
sdk-deps:
	@for v in $(SDK_PYTHON_VERSIONS); do \
		venv=$(CURDIR)/target/sdk-python-$$v; \
		$$venv/bin/python -c "import cloudinary, sys; sys.exit(cloudinary.VERSION != '$$v')" 2>/dev/null || ( \
			(python3 -m venv $$venv 2>/dev/null || \
				($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv $$venv)) && \
			$$venv/bin/pip install -q cloudinary==$$v) || exit 1; \
	done
	@$(SCHEMATHESIS_VENV)/bin/st --version 2>/dev/null | grep -q " $(SCHEMATHESIS_VERSION)$$" || ( \
		(python3 -m venv $(SCHEMATHESIS_VENV) 2>/dev/null || \
			($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv $(SCHEMATHESIS_VENV))) && \
		$(SCHEMATHESIS_VENV)/bin/pip install -q schemathesis==$(SCHEMATHESIS_VERSION))

# The SCIM conformance checker (scim2-tester) and the HTTP engine its client uses.
SCIM_TESTER_VENV := $(CURDIR)/target/scim-tester-venv
SCIM_TESTER_VERSION := 0.5.2
HTTPX2_VERSION := 2.16.2
scim-tester:
	@$(SCIM_TESTER_VENV)/bin/python -c "import sys; from importlib.metadata import version; sys.exit(version('scim2-tester') != '$(SCIM_TESTER_VERSION)' or version('httpx2') != '$(HTTPX2_VERSION)')" 2>/dev/null || ( \
		(python3 -m venv $(SCIM_TESTER_VENV) 2>/dev/null || \
			($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv $(SCIM_TESTER_VENV))) && \
		$(SCIM_TESTER_VENV)/bin/pip install -q scim2-tester==$(SCIM_TESTER_VERSION) httpx2==$(HTTPX2_VERSION))

# The test identity provider: pysaml2 in a virtualenv, Debian's xmlsec1 to sign.
saml-idp:
	@command -v xmlsec1 >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq xmlsec1)
	@$(SAML_VENV)/bin/python -c "import saml2, sys; from importlib.metadata import version; sys.exit(version('pysaml2') != '$(PYSAML2_VERSION)')" 2>/dev/null || ( \
		(python3 -m venv $(SAML_VENV) 2>/dev/null || \
			($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv $(SAML_VENV))) && \
		$(SAML_VENV)/bin/pip install -q pysaml2==$(PYSAML2_VERSION))

test-cargo: native-deps smtp-sink saml-idp
	CONSOLE_TEST_SMTP_PYTHON=$(SMTP_VENV)/bin/python CONSOLE_TEST_SAML_PYTHON=$(SAML_VENV)/bin/python \
		$(ERASED) cargo test --workspace --exclude frontend

# A fresh data directory and a known setup token for the server cargo-leptos starts.
E2E_DATA := $(CURDIR)/target/e2e-data
test-e2e: tools
	rm -rf $(E2E_DATA) $(E2E_DATA).key && mkdir -p -m 700 $(E2E_DATA)
	CONSOLE_DATA_DIR=$(E2E_DATA) CONSOLE_SECRET_KEY_FILE=$(E2E_DATA).key CONSOLE_SETUP_TOKEN=e2e-$$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n') RUST_LOG=warn \
		cargo leptos end-to-end $(LEPTOS_BUILD)

# The SDKs, then schemathesis, then scim2-tester, against the server binary on a spare port, with its own
# data directory.
# The debug site is what `test-e2e` built already (then a no-op).
test-sdk: debug-site sdk-deps scim-tester npm-deps
	bash end2end/sdk/run.sh $(CURDIR)/target/debug/server

## make bench: the first load in Chromium (release build), sign-in throughput and the other
## benchmarks (run on demand, not in make test).
bench: release-site npm-deps chromium
	bash end2end/bench/first_load.sh $(CURDIR)/target/release/server
	$(ERASED) cargo bench -p server --features bench

fmt:
	cargo fmt --all
