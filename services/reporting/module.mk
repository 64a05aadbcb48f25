# reporting: KPI facts per dong per day from every stream; QueryKpi, CompareKpi, ListDongs; /dashboard.
$(eval $(call wh_service,reporting,))
$(foreach t,$(sort $(wildcard tests/unit/reporting/test_*.c)),$(eval $(call wh_unit_test,reporting_$(basename $(notdir $(t))),$(t),$(BUILD)/libreporting.a)))
# The unit tests include the service's private header (and the shared fake handler context).
$(OBJ)/tests/unit/reporting/%.o: CPPFLAGS += -Iservices/reporting -Itests/unit/registry
