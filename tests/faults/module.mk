# The fault suite (tests/faults/README.md): the load driver, the bus proxy that duplicates and
# reorders deliveries, and `make test-faults`, which brings up its own stack and runs every scenario
# (FAULTS_LONG=1: the long combined run).
FAULTS_SRCS := $(sort $(wildcard tests/faults/*.c))
FAULTS_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(FAULTS_SRCS))
PROXY_SRCS  := $(sort $(wildcard tests/faults/proxy/*.c))
PROXY_OBJS  := $(patsubst %.c,$(OBJ)/%.o,$(PROXY_SRCS))

$(BIN)/faults-load: $(FAULTS_OBJS) $(BUILD)/libwhclient.a $(BUILD)/libwh.a $(BUILD)/libwhproto.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The proxy speaks the bus's ZAP and CURVE settings through libwh's own parts (common/src).
$(PROXY_OBJS): CPPFLAGS += -Icommon/src
$(BIN)/faults-proxy: $(PROXY_OBJS) $(BUILD)/libwh.a $(BUILD)/libwhproto.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: test-faults
# welfarectl by name: this file is read before tools/welfarectl/module.mk adds it to BINARIES
test-faults: $(BINARIES) $(BIN)/welfarectl $(BIN)/faults-load $(BIN)/faults-proxy
	@BUILD=$(BUILD) FAULTS_LONG=$(FAULTS_LONG) tests/faults/run.sh
