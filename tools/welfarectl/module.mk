# welfarectl and libwhclient.
#
#   $(BUILD)/libwhclient.a      the C client library (tools/welfarectl/client, API in include/whclient.h)
#   $(BUILD)/libwelfarectl.a    the CLI's parts (flag parser, printer, CSV, commands table), for unit tests
#   $(BIN)/welfarectl           the CLI
WHC_SRCS := $(sort $(wildcard tools/welfarectl/client/*.c))
WHC_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(WHC_SRCS))

$(BUILD)/libwhclient.a: $(WHC_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

WCTL_SRCS := $(filter-out tools/welfarectl/cli/main.c,$(sort $(wildcard tools/welfarectl/cli/*.c)))
# intake's pure checks (no bus, no database), linked as they are so `import referrals --check` runs the
# very code intake runs.
WCTL_INTAKE_CHECKS := $(patsubst %,$(OBJ)/services/intake/%.o,validate rrn text risk)
WCTL_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(WCTL_SRCS)) $(OBJ)/$(GEN)/welfarectl/descriptors.o \
             $(OBJ)/$(GEN)/welfarectl/command_docs.o $(WCTL_INTAKE_CHECKS)
WCTL_VERSION := $(shell git describe --always --tags 2>/dev/null || echo unknown)
$(OBJ)/tools/welfarectl/cli/run.o: CPPFLAGS += -DWCTL_VERSION='"$(WCTL_VERSION)"'

# The registry of every welfare.* message descriptor, so events and replies are decoded by type name
# (google/protobuf/descriptor.proto's, built for the custom options, are not the services' messages).
WCTL_PROTO_HEADERS := $(patsubst %.c,%.h,$(filter $(GEN)/welfare/%,$(PROTO_SRCS)))
$(GEN)/welfarectl/descriptors.c: $(PROTO_SRCS) tools/welfarectl/gen-descriptors.sh
	@mkdir -p $(dir $@)
	tools/welfarectl/gen-descriptors.sh $@ $(WCTL_PROTO_HEADERS)

# Every service's commands with their summaries and roles, from the options on their requests.
$(GEN)/welfarectl/command_docs.c: $(PROTO_FILES) scripts/gen-commands.py
	scripts/gen-commands.py cli $@ $(COMMAND_SERVICES)
$(OBJ)/$(GEN)/welfarectl/command_docs.o: CPPFLAGS += -Itools/welfarectl/cli

$(BUILD)/libwelfarectl.a: $(WCTL_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN)/welfarectl: $(OBJ)/tools/welfarectl/cli/main.o $(BUILD)/libwelfarectl.a $(BUILD)/libwhclient.a \
                   $(BUILD)/libwh.a $(BUILD)/libwhproto.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
BINARIES += $(BIN)/welfarectl

$(OBJ)/tools/welfarectl/%.o: CPPFLAGS += -Itools/welfarectl/client -Itools/welfarectl/cli -Iservices/intake

$(foreach t,$(sort $(wildcard tests/unit/welfarectl/test_*.c)),\
  $(eval $(call wh_unit_test,welfarectl_$(basename $(notdir $(t))),$(t),$(BUILD)/libwelfarectl.a $(BUILD)/libwhclient.a)))
$(OBJ)/tests/unit/welfarectl/%.o: CPPFLAGS += -Itools/welfarectl/client -Itools/welfarectl/cli

# Fuzzing the CSV reader (clang's libFuzzer): make fuzz-welfarectl-csv [FUZZ_SECONDS=60]
FUZZ_SECONDS ?= 60
# (libwh for wh_grow: the fuzz build of it, fuzz/module.mk)
$(BIN)/fuzz/welfarectl_csv: tools/welfarectl/fuzz/fuzz_csv.c tools/welfarectl/cli/csv.c $(BUILD)/fuzz/libwh.a
	@mkdir -p $(dir $@)
	clang $(CSTD) -g -O1 -fsanitize=fuzzer,address,undefined -Itools/welfarectl/cli $(CPPFLAGS) -o $@ $^ $(LDLIBS)
.PHONY: fuzz-welfarectl-csv
fuzz-welfarectl-csv: $(BIN)/fuzz/welfarectl_csv
	@mkdir -p $(BUILD)/fuzz-corpus/welfarectl_csv
	cp -n tools/welfarectl/examples/*.csv $(BUILD)/fuzz-corpus/welfarectl_csv/ 2>/dev/null || true
	$< -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz-corpus/welfarectl_csv
