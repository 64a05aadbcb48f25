# registry: providers, resources, matching and capacity reservations.
$(eval $(call wh_service,registry,))
$(foreach t,$(sort $(wildcard tests/unit/registry/test_*.c)),$(eval $(call wh_unit_test,registry_$(basename $(notdir $(t))),$(t),$(BUILD)/libregistry.a)))
# The unit tests include the service's private header.
$(OBJ)/tests/unit/registry/%.o: CPPFLAGS += -Iservices/registry
