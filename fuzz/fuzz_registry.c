/*
 * fuzz_registry.c — every command and subscribed event of the registry service: decode, validation and the
 * handler up to its first statement (see drive.c; the first byte picks the message type).
 */
#include "registry.h"

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_drive(registry_service_def(), data, size);
    return 0;
}
