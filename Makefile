# welfarehub — one Makefile for the whole tree.
#
# Each component describes itself in a `module.mk` fragment (sources, binaries, tests); this file
# holds the shared rules.  `make` builds everything with warnings as errors; `make test` runs the unit
# and integration suites; `make run` brings up the whole system on this machine.
#
#   BUILD=dir   put objects and binaries somewhere else (default: build)
#   SAN=1       build with AddressSanitizer and UndefinedBehaviorSanitizer (uses clang)

BUILD   ?= build
SAN     ?=
OBJ      = $(BUILD)/obj
BIN      = $(BUILD)/bin
GEN      = $(BUILD)/gen

PKGS     = libzmq libprotobuf-c libpq libuv libmicrohttpd jansson libsodium libutf8proc
CC      ?= cc
ifeq ($(SAN),1)
CC       = clang
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
CSTD     = -std=c11 -D_GNU_SOURCE
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
OPT     ?= -O2 -g
CPPFLAGS = -Icommon/include -I$(GEN) -Itools/welfarectl/include $(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
           -I$(shell pg_config --includedir 2>/dev/null)
CFLAGS   = $(CSTD) $(WARN) $(OPT) $(SANFLAGS) -MMD -MP
LDLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread
LDFLAGS  = $(SANFLAGS)

# Filled in by the module.mk fragments.
BINARIES     :=
BENCH_TARGETS :=
UNIT_TESTS   :=
PROTO_FILES  := $(shell find proto -name '*.proto' 2>/dev/null | sort)
PROTO_SRCS   := $(patsubst proto/%.proto,$(GEN)/%.pb-c.c,$(PROTO_FILES))
# proto/welfare/bus/v1/options.proto extends google.protobuf.MessageOptions: its C needs descriptor.proto's.
PROTO_SRCS   += $(GEN)/google/protobuf/descriptor.pb-c.c
# Each converted service's command constants (roles, query, summary), from the options on its requests.
COMMAND_SERVICES := routing case reporting intake registry
COMMAND_HEADERS  := $(patsubst %,$(GEN)/%_commands.h,$(COMMAND_SERVICES))
# Reporting's KPI list (REPORTING_KPI_LIST), from the options on welfare.reporting.v1.KpiValues' fields.
COMMAND_HEADERS  += $(GEN)/reporting_kpis.h
.SECONDARY: $(COMMAND_HEADERS)
PROTO_OBJS   := $(patsubst %.c,$(OBJ)/%.o,$(PROTO_SRCS))

.PHONY: all deps test test-unit test-integration run lint format clean bench bench-routing
all: deps $(PROTO_SRCS)
	@$(MAKE) --no-print-directory build-all

include mk/deps.mk
include mk/templates.mk
include mk/lint.mk
include $(sort $(wildcard common/module.mk services/*/module.mk services/*/*/module.mk tools/*/module.mk \
                          tests/*/module.mk tests/module.mk bench/module.mk deploy/module.mk fuzz/module.mk))

.PHONY: build-all
build-all: $(BINARIES) $(UNIT_TESTS)

# Generated protobuf-c code: built, never committed.
$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: proto/%.proto
	@mkdir -p $(GEN)
	protoc-c --proto_path=proto --c_out=$(GEN) $<

$(GEN)/google/protobuf/descriptor.pb-c.c $(GEN)/google/protobuf/descriptor.pb-c.h: /usr/include/google/protobuf/descriptor.proto
	@mkdir -p $(GEN)
	protoc-c --proto_path=/usr/include --c_out=$(GEN) google/protobuf/descriptor.proto

$(GEN)/%_commands.h: $(PROTO_FILES) scripts/gen-commands.py
	scripts/gen-commands.py header $* $@

$(GEN)/reporting_kpis.h: $(PROTO_FILES) scripts/gen-commands.py
	scripts/gen-commands.py kpis $@

$(OBJ)/%.o: %.c | $(PROTO_SRCS) $(COMMAND_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# Generated C gets the same flags minus the warnings protoc-c's output does not pass.
$(OBJ)/$(GEN)/%.o: $(GEN)/%.c | $(PROTO_SRCS) $(COMMAND_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CSTD) $(OPT) $(SANFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libwhproto.a: $(PROTO_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

test: all
	@$(MAKE) --no-print-directory test-unit
	@$(MAKE) --no-print-directory test-integration

test-unit: build-all
	@BUILD=$(BUILD) tests/with-db.sh scripts/run-tests.sh unit $(UNIT_TESTS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

# The whole system on this machine: private PostgreSQL, the five services, the demo district.
run: all
	@WH_BIN=$(abspath $(BIN)) scripts/run.sh

bench: all
	@$(MAKE) --no-print-directory $(BENCH_TARGETS)
