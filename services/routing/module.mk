# routing: dongs and hubs, visiting staff, visit requests, day plans (services/routing/solver is the
# optimizer library, built by its own module.mk).
$(eval $(call wh_service,routing,))
$(foreach t,$(sort $(wildcard tests/unit/routing/test_*.c)),$(eval $(call wh_unit_test,routing_$(basename $(notdir $(t))),$(t),$(BUILD)/librouting.a)))
# The unit tests include the service's private headers.
$(OBJ)/tests/unit/routing/%.o: CPPFLAGS += -Iservices/routing
