# bench: `make bench` — the brief's performance table (bulk intake vs COPY, command path, event path,
# KPI queries, idle memory) measured against a throw-away stack by bench/run.sh; the drivers are
# wh-bench (bench/load).  bench/routing has its own fragment (services/routing/solver/module.mk).
#
#   make bench [BENCH_ROWS=1000000] [BENCH_SECONDS=20] [BENCH_EVENTS=10000000]
BENCH_ROWS    ?= 1000000
BENCH_SECONDS ?= 20
BENCH_EVENTS  ?= 10000000
BENCH_LOAD_SRCS := $(sort $(wildcard bench/load/*.c))

$(OBJ)/bench/load/%.o: CPPFLAGS += -Ibench/load

$(BIN)/wh-bench: $(patsubst %.c,$(OBJ)/%.o,$(BENCH_LOAD_SRCS)) $(BUILD)/libwhclient.a $(BUILD)/libwh.a \
                 $(BUILD)/libwhproto.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# What bench/run.sh runs: the load driver and every binary of the stack.  run.sh builds this target
# itself when it is started by hand (a fresh BUILD has none of them).  $$(BINARIES), expanded when
# the target is built: this fragment is read before the services' fragments fill BINARIES in, so a
# plain $(BINARIES) here was empty and the bench ran whatever service binaries were there.
.PHONY: bench-binaries
bench-binaries: $(BIN)/wh-bench $$(BINARIES)

.PHONY: bench-services
bench-services: bench-binaries
	@BUILD=$(BUILD) BENCH_ROWS=$(BENCH_ROWS) BENCH_SECONDS=$(BENCH_SECONDS) BENCH_EVENTS=$(BENCH_EVENTS) \
		bench/run.sh
BENCH_TARGETS += bench-services

# The CI's smoke run (.ci/run): 20,000 rows through the bulk path and the consumers, idle memory
# before and after; fails on errors (a row not stored, no events, consumers stuck: no position moved
# for 120 s), never on times (the catch-up may take up to an hour).
BENCH_SMOKE_ROWS ?= 20000
.PHONY: bench-smoke
bench-smoke: bench-binaries
	@BUILD=$(BUILD) BENCH_ROWS=$(BENCH_SMOKE_ROWS) BENCH_STEPS="memory bulk" BENCH_SMOKE=1 \
		BENCH_CATCH_UP_LIMIT=3600 bench/run.sh

# report.sh's verdicts (a step left out is "not run", never met): a script among the unit tests.
UNIT_TESTS += tests/unit/bench/test_report.sh

# wh-bench-places (bench/places): the place table's cost to the bulk path's per-row work, without a
# stack, for callgrind (docs/benchmarks.md): links intake's library and the referral generator.
$(OBJ)/bench/places/%.o: CPPFLAGS += -Ibench/load -Iservices/intake -Itests/unit/support
$(BIN)/wh-bench-places: $(OBJ)/bench/places/main.o $(OBJ)/bench/load/referral.o $(BUILD)/libintake.a \
                        $(BUILD)/libwh.a $(BUILD)/libwhproto.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
BINARIES += $(BIN)/wh-bench-places
