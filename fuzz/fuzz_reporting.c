/*
 * fuzz_reporting.c — every query and subscribed event of the reporting service: decode, validation
 * and the handler up to its first statement (see drive.c; the first byte picks the message type).
 */
#include "reporting.h"

#include "fuzz.h"

static const wh_service_def *def;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    def = reporting_service_def();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_drive(def, data, size);
    return 0;
}
