# welfare-demo: generates the demo district (tables in district.c, fixed seed) and drives it through
# the services with the client library.  Its unit test checks the generator without any service.
DEMO_SRCS := $(filter-out tools/demo/main.c,$(wildcard tools/demo/*.c))
DEMO_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(DEMO_SRCS))

$(BUILD)/libdemo.a: $(DEMO_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN)/welfare-demo: $(OBJ)/tools/demo/main.o $(BUILD)/libdemo.a $(BUILD)/libwhclient.a $(BUILD)/libwh.a \
                     $(BUILD)/libwhproto.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
BINARIES += $(BIN)/welfare-demo

$(OBJ)/tools/demo/%.o: CPPFLAGS += -Itools/demo
$(foreach t,$(sort $(wildcard tools/demo/tests/test_*.c)),\
  $(eval $(call wh_unit_test,demo_$(basename $(notdir $(t))),$(t),$(BUILD)/libdemo.a)))
