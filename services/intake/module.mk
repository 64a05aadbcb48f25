# intake: referrals, households, persons (keyed-hashed and sealed), reporters, duplicate suspicions.
$(eval $(call wh_service,intake,))
$(foreach t,$(sort $(wildcard tests/unit/intake/test_*.c)),$(eval $(call wh_unit_test,intake_$(basename $(notdir $(t))),$(t),$(BUILD)/libintake.a)))
# The unit tests include the service's private header (and the shared fake handler context).
$(OBJ)/tests/unit/intake/%.o: CPPFLAGS += -Iservices/intake
