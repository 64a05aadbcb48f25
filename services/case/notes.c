/*
 * notes.c — follow-up notes sealed at rest with the PII key (wh/pii.h): a worker's note may say
 * anything about a household, so it is stored encrypted, returned only to GetCase's reader, and never
 * logged nor published.
 */
#include "case.h"

#include "wh/pii.h"

int case_seal_note(const char *note, char **out)
{
    *out = NULL;
    if (!note || !*note)
        return 0;
    int rc = wh_pii_seal(note, out);
    return rc < 0 ? WH_FAILED_PRECONDITION : 0;
}

int case_open_note(const char *sealed, char **out)
{
    return wh_pii_open(sealed, out);
}
