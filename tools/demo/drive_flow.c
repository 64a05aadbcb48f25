/*
 * drive_flow.c — referrals into intake, then the case work (assessments, follow-up visits).
 * Placeholder until the intake and case commands land (proto/welfare/{intake,case}/v1/commands.proto).
 */
#include "drive.h"

int demo_submit_referrals(demo_run *run)
{
    demo_say(run, "  referrals: skipped (intake commands not available in this build)\n");
    return 0;
}

int demo_work_cases(demo_run *run)
{
    demo_say(run, "  case work: skipped (case commands not available in this build)\n");
    return 0;
}
