/*
 * main.c — welfare-intake: referrals in, households identified (see README.md).
 */
#include "intake.h"

int main(int argc, char **argv)
{
    return wh_service_main(intake_service_def(), argc, argv);
}
