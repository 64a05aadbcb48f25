# reporting: KPI facts per dong per day from every stream; QueryKpi, CompareKpi, ListDongs; /dashboard.
$(eval $(call wh_service,reporting,))
$(foreach t,$(sort $(wildcard tests/unit/reporting/test_*.c)),$(eval $(call wh_unit_test,reporting_$(basename $(notdir $(t))),$(t),$(BUILD)/libreporting.a)))
# The unit tests include the service's private header (and the shared fake handler context).
$(OBJ)/tests/unit/reporting/%.o: CPPFLAGS += -Iservices/reporting
# The .xlsx export (render_table.c) is written with libxlsxwriter (Debian libxlsxwriter-dev).
REPORTING_LIBS = $(shell pkg-config --libs xlsxwriter 2>/dev/null || echo -lxlsxwriter)
$(BIN)/welfare-reporting: LDLIBS += $(REPORTING_LIBS)
$(BIN)/tests/reporting_%: LDLIBS += $(REPORTING_LIBS)
