/*
 * main.c — welfare-reporting: KPI facts from every stream, the KPI queries, the dashboard.
 */
#include "reporting.h"

int main(int argc, char **argv)
{
    wh_service_def def;
    reporting_service_def(&def);
    return wh_service_main(&def, argc, argv);
}
