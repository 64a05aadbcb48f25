# routing: dongs and hubs, visiting staff, visit requests, day plans.  PlanDay uses the optimizer
# library services/routing/solver (built by its own module.mk) through plan_solver.c.
$(eval $(call wh_service,routing,$(BUILD)/librouting_solver.a))
$(foreach t,$(sort $(wildcard tests/unit/routing/test_*.c)),$(eval $(call wh_unit_test,routing_$(basename $(notdir $(t))),$(t),$(BUILD)/librouting.a $(BUILD)/librouting_solver.a)))
# The service includes the solver's header; the unit tests include the service's private headers.
$(OBJ)/services/routing/%.o: CPPFLAGS += -Iservices/routing/solver
$(OBJ)/tests/unit/routing/%.o: CPPFLAGS += -Iservices/routing -Iservices/routing/solver
