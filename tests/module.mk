# The integration suite: cmocka programs tests/integration/test_*.c linked with the client library,
# run by tests/integration/run.sh against a real stack, and the bus framework's own suite.
ITEST_SRCS := $(sort $(wildcard tests/integration/test_*.c))
INTEGRATION_TESTS := $(patsubst tests/integration/%.c,$(BIN)/itests/%,$(ITEST_SRCS))
# Every unit test finds the shared fakes (tests/unit/support/: the handler context, fake_ctx.h).
$(OBJ)/tests/unit/%.o: CPPFLAGS += -Itests/unit/support

# Script tests (welfarectl as a person runs it) come last: they add referrals of their own.
ITEST_SCRIPTS := $(sort $(wildcard tests/integration/test_*.sh))

$(BIN)/itests/%: $(OBJ)/tests/integration/%.o $(OBJ)/tests/integration/itest.o $(BUILD)/libwhclient.a \
                 $(BUILD)/libwh.a $(BUILD)/libwhproto.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# Every suite runs even when one before it fails, so one run names every failure; the target fails
# when any did.
test-integration: build-all $(INTEGRATION_TESTS)
	@failed=""; \
	BUILD=$(BUILD) tests/integration/run.sh $(INTEGRATION_TESTS) tests/e2e/seed004.sh $(ITEST_SCRIPTS) \
		|| failed="$$failed tests/integration/run.sh"; \
	if [ -x tests/integration/bus/run.sh ]; then \
		BUILD=$(BUILD) tests/integration/bus/run.sh || failed="$$failed tests/integration/bus/run.sh"; fi; \
	BUILD=$(BUILD) tests/report/run.sh || failed="$$failed tests/report/run.sh"; \
	BUILD=$(BUILD) tests/e2e/demo_again.sh || failed="$$failed tests/e2e/demo_again.sh"; \
	if [ -n "$$failed" ]; then echo "test-integration: failed:$$failed" >&2; exit 1; fi

# The dashboard in headless Chromium: screenshots at 1,366 and 1,920 px into docs/img/, widths and the
# comparison's cells checked against the API (Debian chromium + fonts-noto-cjk, npm playwright-core).
.PHONY: test-browser
test-browser: build-all
	@BUILD=$(BUILD) tests/report/browser.sh

# The comparison table on every surface (CLI, bus, API, CSV, xlsx, page) over a known-count fixture.
.PHONY: test-report
test-report: build-all
	@BUILD=$(BUILD) tests/report/run.sh

# Seed 004's first KPI table at full size, through welfarectl only, on a stack of its own
# (`make test` runs it at 1/10 inside the integration suite).
.PHONY: test-e2e
test-e2e: build-all
	@BUILD=$(BUILD) E2E_SCALE=1 tests/integration/run.sh tests/e2e/seed004.sh
