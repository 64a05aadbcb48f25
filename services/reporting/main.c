/*
 * main.c — welfare-reporting: KPI facts from every stream, the KPI queries, the dashboard.
 */
#include "reporting.h"

int main(int argc, char **argv)
{
    return wh_service_main(reporting_service_def(), argc, argv);
}
