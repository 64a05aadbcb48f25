# Fuzzing (clang's libFuzzer with AddressSanitizer and UndefinedBehaviorSanitizer).
#
#   make fuzz [FUZZ_SECONDS=60]   build every target in fuzz/ and run each for FUZZ_SECONDS
#   make fuzz-ci                  the same, about 20 s each (.ci/run)
#   make fuzz-build               only build them, into $(BIN)/fuzz/
#
# The code under test (libwh, the services, the generated protobuf-c code) is compiled again here with
# coverage instrumentation into $(BUILD)/fuzz/obj, so the ordinary build is untouched.  libwh's db.c
# is left out: fuzz/offline_db.c stands in for the database.  Seeds are fuzz/corpus/<target>/; what a
# run finds grows in $(BUILD)/fuzz/corpus/<target>/, crashes go to $(BUILD)/fuzz/artifacts/<target>/.
# See docs/fuzzing.md.

FUZZ_SECONDS ?= 60
FUZZ_CC      := clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_OBJ      = $(BUILD)/fuzz/obj
FUZZ_CPPFLAGS = $(CPPFLAGS) -Icommon/src -Ifuzz -Iservices/intake -Iservices/case -Iservices/registry \
                -Iservices/routing -Iservices/routing/solver -Iservices/reporting
FUZZ_CFLAGS   = $(CSTD) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP

$(FUZZ_OBJ)/%.o: %.c | $(PROTO_SRCS) $(COMMAND_HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) $(WARN) -c $< -o $@
$(FUZZ_OBJ)/$(GEN)/%.o: $(GEN)/%.c | $(PROTO_SRCS) $(COMMAND_HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

fuzz_objs = $(patsubst %.c,$(FUZZ_OBJ)/%.o,$(1))

FUZZ_WH_SRCS := $(filter-out common/src/db.c,$(sort $(wildcard common/src/*.c))) $(PROTO_SRCS) \
                $(GEN)/migrations/bus.c
$(BUILD)/fuzz/libwh.a: $(call fuzz_objs,$(FUZZ_WH_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# One archive per service: its files but main.c, its embedded migrations (routing: and the solver).
define fuzz_service
$$(BUILD)/fuzz/lib$(1).a: $$(call fuzz_objs,$$(filter-out services/$(1)/main.c,$$(sort $$(wildcard \
                          services/$(1)/*.c))) $$(GEN)/migrations/$(1).c $(2))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach s,intake case registry reporting,$(eval $(call fuzz_service,$(s),)))
$(eval $(call fuzz_service,routing,$(sort $(wildcard services/routing/solver/*.c))))

FUZZ_HARNESS := $(call fuzz_objs,fuzz/drive.c fuzz/offline_db.c)
FUZZ_ALL_SERVICES := $(foreach s,intake case registry routing reporting,$(BUILD)/fuzz/lib$(s).a)

# $(call fuzz_target,NAME,ARCHIVES): $(BIN)/fuzz/NAME from fuzz/fuzz_NAME.c, the harness and ARCHIVES.
define fuzz_target
$$(BIN)/fuzz/$(1): $$(FUZZ_OBJ)/fuzz/fuzz_$(1).o $$(FUZZ_HARNESS) $(2) $$(BUILD)/fuzz/libwh.a
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) -fsanitize=fuzzer $$(FUZZ_SAN) -o $$@ $$^ $$(LDLIBS)
FUZZ_TARGETS += $(1)
endef
FUZZ_TARGETS :=
$(foreach s,intake case registry routing reporting,$(eval $(call fuzz_target,$(s),$(BUILD)/fuzz/lib$(s).a)))
$(eval $(call fuzz_target,envelope,$(FUZZ_ALL_SERVICES)))
$(eval $(call fuzz_target,batch,$(BUILD)/fuzz/libintake.a))
$(eval $(call fuzz_target,reporting_http,$(BUILD)/fuzz/libreporting.a))
$(eval $(call fuzz_target,allowlist,))
$(eval $(call fuzz_target,config,))
# The targets holding reporting link its .xlsx writer too (services/reporting/module.mk).
$(BIN)/fuzz/reporting $(BIN)/fuzz/reporting_http $(BIN)/fuzz/envelope: LDLIBS += $(REPORTING_LIBS)

# The CSV reader's target lives with welfarectl (tools/welfarectl/module.mk); its seeds are the examples.
FUZZ_BINS := $(patsubst %,$(BIN)/fuzz/%,$(FUZZ_TARGETS)) $(BIN)/fuzz/welfarectl_csv

.PHONY: fuzz fuzz-ci fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)/fuzz $(FUZZ_BINS)

fuzz-ci: fuzz-build
	@fuzz/run.sh 20 $(BUILD)/fuzz $(FUZZ_BINS)

-include $(shell find $(FUZZ_OBJ) -name '*.d' 2>/dev/null)
