# Make templates the module.mk fragments call.
#
#   $(eval $(call wh_service,NAME,EXTRA_LIBS))
#       services/NAME/*.c except main.c → $(BUILD)/libNAME.a (what unit tests link);
#       main.c + that + embedded migrations → $(BIN)/welfare-NAME
#   $(eval $(call wh_unit_test,TEST_NAME,SOURCES,LIBS))
#       one cmocka program $(BIN)/tests/TEST_NAME, added to UNIT_TESTS

.SECONDEXPANSION:

# Embedded SQL migrations: NAME_migrations[] from services/NAME/migrations/*.sql, bus from common/.
# Each set's list of file names is a prerequisite too: renaming or removing a migration (git mv on a
# rebase) changes no file's time, so NAME.list is rewritten, and the set re-embedded, exactly when the
# names change.
# (Explicit rules, one per set: a pattern rule made from FORCE would let make chain its way to
# remaking the dependency files as migration sets.)
define wh_migration_list
$$(GEN)/migrations/$(1).list: FORCE
	@mkdir -p $$(dir $$@)
	@echo '$$(sort $$(wildcard $(2)/*.sql))' | cmp -s - $$@ || echo '$$(sort $$(wildcard $(2)/*.sql))' >$$@
endef
$(eval $(call wh_migration_list,bus,common/migrations))
$(GEN)/migrations/bus.c: $$(sort $$(wildcard common/migrations/*.sql)) $(GEN)/migrations/bus.list \
                         scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	scripts/embed-sql.sh bus $@ $(filter %.sql,$^)
# Kept: as intermediate files make would delete them after the build and remake them (and relink
# every service) on the next `make` / `make run`.
.PRECIOUS: $(GEN)/migrations/%.c $(GEN)/migrations/%.list
$(GEN)/migrations/%.c: $$(sort $$(wildcard services/$$*/migrations/*.sql)) $(GEN)/migrations/%.list \
                       scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	scripts/embed-sql.sh $* $@ $(filter %.sql,$^)
.PHONY: FORCE
FORCE:

define wh_service
$$(eval $$(call wh_migration_list,$(1),services/$(1)/migrations))
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
