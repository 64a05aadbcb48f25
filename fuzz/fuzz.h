/*
 * fuzz.h — what the libFuzzer targets in fuzz/ share.
 *
 *   offline_db.c   wh/db.h with a database that is never reachable and checks what it is sent
 *   drive.c        one service's command and event handlers, as the framework runs them
 *
 * Every target is a file fuzz_<what>.c defining LLVMFuzzerTestOneInput; `make fuzz` builds them with
 * clang -fsanitize=fuzzer,address,undefined and runs each with its seed corpus (fuzz/corpus/<what>/).
 * A target stops with fuzz_fail() when an invariant breaks, so libFuzzer keeps the input.
 */
#ifndef WH_FUZZ_H
#define WH_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wh/db.h"
#include "wh/service.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints what broke (what, where, which parameter or field index) and traps. */
__attribute__((noreturn)) void fuzz_fail(const char *what, const char *where, int index);

/* The one connection of offline_db.c: every statement fails with WH_UNAVAILABLE. */
wh_db *fuzz_offline_db(void);
/* Whether offline_db.c checks the parameters it is sent (drive.c: for commands, not events). */
extern bool fuzz_check_params;

/* Sets the environment the targets run in: logs at error level only, a throw-away PII key (the
 * handlers hash and seal before they store).  Call from LLVMFuzzerInitialize. */
void fuzz_setup(void);

/* Runs one input against a service: the first byte picks a row (commands first, then subscribed
 * events, modulo their count), the rest is its payload as protobuf.  Checks what the framework
 * relies on: a handler answers 0 with a reply of its row's type, or a wh_status with a field named
 * for INVALID_ARGUMENT and messages in valid UTF-8. */
void fuzz_drive(const wh_service_def *def, const uint8_t *data, size_t size);

#endif
