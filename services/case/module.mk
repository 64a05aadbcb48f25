# case: cases, needs assessments, linkages, visit requests, follow-ups and caseloads (schema casework).
$(eval $(call wh_service,case,))
$(foreach t,$(sort $(wildcard tests/unit/case/test_*.c)),$(eval $(call wh_unit_test,case_$(basename $(notdir $(t))),$(t),$(BUILD)/libcase.a)))
# The unit tests include the service's private header.
$(OBJ)/tests/unit/case/%.o: CPPFLAGS += -Iservices/case
