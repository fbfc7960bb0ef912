# tidings — the two commands a new machine needs: `make run` and `make test`.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

SWIFT        ?= swift
RELEASE_BIN  := .build/release/tidings
DEBUG_BIN    := .build/debug/tidings
CONFIG       ?= examples/tidings.toml
PREFIX       ?= /usr/local
FUZZ_SMOKE_SECONDS ?= 5
SOAK_SECONDS ?= 600
TEST_SOAK_SECONDS ?= 60

.PHONY: all deps build release run test soak bench fuzz install install-files clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Runs the daemon on the offline example (file:// feeds, SQLite under examples/state/).
run: release
	@bash scripts/run-example.sh $(RELEASE_BIN)

# Every test: unit, real nginx / PostgreSQL / webhook receiver, and the ../shared suites when present.
# The shared suites score the release binary, as the issues measure it.
test: deps
	$(SWIFT) build -c release
	$(SWIFT) build --build-tests
	@# Fuzz smoke: every harness still builds, replays its regressions and runs a few seconds without a finding.
	@# (Before the suite, so the test runner's summary is the run's last word.)
	bash fuzz/build.sh && FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) bash fuzz/run.sh
	@# The chaos soak, short (issue 17): the release daemon over changing feeds with SIGKILLs, webhook outages and
	@# a PostgreSQL restart; alone, before the suite, so nothing else competes with its daemon.
	python3 scripts/soak.py --binary $(RELEASE_BIN) --seconds $(TEST_SOAK_SECONDS)
	TIDINGS_TEST_STRICT=1 TIDINGS_BINARY=$(CURDIR)/$(RELEASE_BIN) bash scripts/run-tests.sh

# Chaos soak: `tidings run` over changing feeds (nginx), PostgreSQL store, log + two webhook sinks, with random
# SIGKILLs, webhook outages and PostgreSQL restarts for SOAK_SECONDS; then checks every alert of the undisturbed
# run was delivered to every sink, nothing else, duplicates only across kills, RSS flat. Prints its figures.
soak: release
	python3 scripts/soak.py --binary $(RELEASE_BIN) --seconds $(SOAK_SECONDS)

# Benchmarks print figures with ratios against references measured in the same run.
bench: release
	@bash bench/run-all.sh $(RELEASE_BIN)

# Every fuzz target for FUZZ_SECONDS each (default 60): one `Done N runs` line per target, exit 1 on any finding.
fuzz: deps
	@bash fuzz/build.sh && bash fuzz/run.sh

# Installs the binary, the unit (ExecStart and Documentation pointing at PREFIX), the documentation the unit names,
# the example feeds, and an example configuration that points at them and keeps its state under /var/lib/tidings
# (the unit's StateDirectory).
# The documentation keeps the repository's layout (README.md beside docs/), so the README's docs/ paths and its
# screenshot resolve where it is installed. `install-files` is the same without building (a test installs into a
# temporary DESTDIR with it).
install: release install-files

install-files:
	install -D -m 0755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/tidings
	install -d $(DESTDIR)/etc/systemd/system $(DESTDIR)/etc/tidings $(DESTDIR)$(PREFIX)/share/tidings/examples/feeds \
	    $(DESTDIR)$(PREFIX)/share/doc/tidings/docs
	sed 's|/usr/local/|$(PREFIX)/|g' systemd/tidings.service > $(DESTDIR)/etc/systemd/system/tidings.service
	chmod 0644 $(DESTDIR)/etc/systemd/system/tidings.service
	install -m 0644 examples/feeds/*.xml $(DESTDIR)$(PREFIX)/share/tidings/examples/feeds/
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/tidings/
	install -m 0644 docs/*.md docs/*.png $(DESTDIR)$(PREFIX)/share/doc/tidings/docs/
	sed -e 's|file:feeds/|file://$(PREFIX)/share/tidings/examples/feeds/|' \
	    -e 's|"state/|"/var/lib/tidings/|' -e 's|  *# → examples/.*||' examples/tidings.toml > $(DESTDIR)/etc/tidings/tidings.toml.example
	chmod 0644 $(DESTDIR)/etc/tidings/tidings.toml.example
	@# LoadCredential= needs the file to exist; empty means "no secret".
	[ -e $(DESTDIR)/etc/tidings/webhook-secret ] || install -m 0600 /dev/null $(DESTDIR)/etc/tidings/webhook-secret

clean:
	rm -rf .build examples/state
