/*
 * fuzz_intake.c — every command and subscribed event of the intake service: decode, validation and the
 * handler up to its first statement (see drive.c; the first byte picks the message type).
 */
#include "intake.h"

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_drive(intake_service_def(), data, size);
    return 0;
}
