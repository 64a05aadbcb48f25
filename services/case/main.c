/*
 * main.c — welfare-case: cases, assessments, linkages, visits and caseloads (see README.md).
 */
#include "case.h"

int main(int argc, char **argv)
{
    return wh_service_main(case_service_def(), argc, argv);
}
