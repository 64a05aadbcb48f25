/*
 * drive_flow.c — the case work (assessments, follow-up visits).
 * Placeholder until the case commands land (proto/welfare/case/v1/commands.proto).
 */
#include "drive.h"

int demo_work_cases(demo_run *run)
{
    demo_say(run, "  case work: skipped (case commands not available in this build)\n");
    return 0;
}
