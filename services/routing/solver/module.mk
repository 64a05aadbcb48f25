# routing solver: the visit routing optimizer library (services/routing/solver), its driver
# routing-solve, its unit tests and `make bench-routing`.  Depends on libc, libm and jansson only.

ROUTING_SOLVER_SRCS := $(sort $(wildcard services/routing/solver/*.c))
ROUTING_SOLVER_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(ROUTING_SOLVER_SRCS))
ROUTING_SOLVER_LIBS := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson) -lm
SOLOMON_DIR ?= ../shared/data/solomon
GH_DIR ?= ../shared/data/homberger1000
BENCH_ROUTING_MS ?= 200 1000

$(BUILD)/librouting_solver.a: $(ROUTING_SOLVER_OBJS)
	@mkdir -p $(dir $@)
	ar rcs $@ $^

$(OBJ)/tools/routing-solve/%.o $(OBJ)/tests/unit/routing_solver/%.o $(OBJ)/bench/routing/%.o: \
	CPPFLAGS += -Iservices/routing/solver -Ibench/routing

$(BIN)/routing-solve: $(OBJ)/tools/routing-solve/main.o $(BUILD)/librouting_solver.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(ROUTING_SOLVER_LIBS)
BINARIES += $(BIN)/routing-solve

$(BIN)/routing-bench: $(OBJ)/bench/routing/bench.o $(OBJ)/bench/routing/scale.o $(OBJ)/bench/routing/homecare.o \
		$(OBJ)/bench/routing/instance_set.o $(BUILD)/librouting_solver.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(ROUTING_SOLVER_LIBS)

# One cmocka program per tests/unit/routing_solver/test_*.c, sharing helpers.c.
ROUTING_SOLVER_TEST_SRCS := $(sort $(wildcard tests/unit/routing_solver/test_*.c))
define routing_solver_test
$$(BIN)/tests/routing_solver_$(basename $(notdir $(1))): $$(OBJ)/$(basename $(1)).o \
		$$(OBJ)/tests/unit/routing_solver/helpers.o $$(OBJ)/bench/routing/scale.o \
		$$(OBJ)/bench/routing/instance_set.o $$(BUILD)/librouting_solver.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(ROUTING_SOLVER_LIBS) -lcmocka
UNIT_TESTS += $$(BIN)/tests/routing_solver_$(basename $(notdir $(1)))
ROUTING_SOLVER_TESTS += $$(BIN)/tests/routing_solver_$(basename $(notdir $(1)))
endef
$(foreach t,$(ROUTING_SOLVER_TEST_SRCS),$(eval $(call routing_solver_test,$(t))))

.PHONY: test-routing-solver
test-routing-solver: $(ROUTING_SOLVER_TESTS)
	@SOLOMON_DIR=$(SOLOMON_DIR) scripts/run-tests.sh routing_solver $(ROUTING_SOLVER_TESTS)

# make bench-routing [SOLOMON_DIR=...] [BENCH_ROUTING_MS="200 1000"] [BENCH_ROUTING_JOBS=2]
#   [GH_DIR=...] [BENCH_ROUTING_GH_SET=one|all|name,name] [BENCH_ROUTING_GH_MS=60000]
#   [BENCH_ROUTING_HC_MS=10000] [BENCH_ROUTING_HC_SEEDS=5]
bench-routing: $(BIN)/routing-bench
	@mkdir -p $(BUILD)/bench
	bench/routing/run.sh $(BIN)/routing-bench $(SOLOMON_DIR) $(BUILD)/bench "$(BENCH_ROUTING_MS)" $(GH_DIR)
BENCH_TARGETS += bench-routing
