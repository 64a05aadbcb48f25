# Make templates the module.mk fragments call.
#
#   $(eval $(call wh_service,NAME,EXTRA_LIBS))
#       services/NAME/*.c except main.c → $(BUILD)/libNAME.a (what unit tests link);
#       main.c + that + embedded migrations → $(BIN)/welfare-NAME
#   $(eval $(call wh_unit_test,TEST_NAME,SOURCES,LIBS))
#       one cmocka program $(BIN)/tests/TEST_NAME, added to UNIT_TESTS

.SECONDEXPANSION:

# Embedded SQL migrations: NAME_migrations[] from services/NAME/migrations/*.sql, bus from common/.
$(GEN)/migrations/bus.c: $$(sort $$(wildcard common/migrations/*.sql)) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	scripts/embed-sql.sh bus $@ $(filter %.sql,$^)
# Kept: as an intermediate file make would delete it after the build and remake it (and relink every
# service) on the next `make` / `make run`.
.PRECIOUS: $(GEN)/migrations/%.c
$(GEN)/migrations/%.c: $$(sort $$(wildcard services/$$*/migrations/*.sql)) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	scripts/embed-sql.sh $* $@ $(filter %.sql,$^)

define wh_service
$(1)_SRCS := $$(filter-out services/$(1)/main.c,$$(wildcard services/$(1)/*.c))
$(1)_OBJS := $$(patsubst %.c,$$(OBJ)/%.o,$$($(1)_SRCS)) $$(OBJ)/$$(GEN)/migrations/$(1).o
$$(BUILD)/lib$(1).a: $$($(1)_OBJS)
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
$$(BIN)/welfare-$(1): $$(OBJ)/services/$(1)/main.o $$(BUILD)/lib$(1).a $(2) $$(BUILD)/libwh.a $$(BUILD)/libwhproto.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
BINARIES += $$(BIN)/welfare-$(1)
endef

define wh_unit_test
$$(BIN)/tests/$(1): $$(patsubst %.c,$$(OBJ)/%.o,$(2)) $(3) $$(BUILD)/libwh.a $$(BUILD)/libwhproto.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS) -lcmocka
UNIT_TESTS += $$(BIN)/tests/$(1)
endef
