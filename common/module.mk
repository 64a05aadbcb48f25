# libwh: the bus, database, migrations, logging, configuration, metrics, HTTP and PII helpers every
# service and the client library link.
WH_SRCS := $(sort $(wildcard common/src/*.c))
WH_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(WH_SRCS)) $(OBJ)/$(GEN)/migrations/bus.o

$(BUILD)/libwh.a: $(WH_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# Unit tests: one cmocka program per tests/unit/common/test_*.c.
$(foreach t,$(sort $(wildcard tests/unit/common/test_*.c)),\
  $(eval $(call wh_unit_test,common_$(basename $(notdir $(t))),$(t),)))
# The framework's own unit tests reach its private header.
$(OBJ)/tests/unit/common/test_bus_parts.o $(OBJ)/tests/unit/common/test_audit.o \
$(OBJ)/tests/unit/common/test_zsock.o $(OBJ)/tests/unit/common/test_fetched.o \
$(OBJ)/tests/unit/common/test_fetch_pace.o $(OBJ)/tests/unit/common/test_address_tally.o: CPPFLAGS += -Icommon/src
