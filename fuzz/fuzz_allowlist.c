/*
 * fuzz_allowlist.c — the allow-list parser (wh_access_load, common/src/access.c) on arbitrary file
 * contents, and the decisions read from what it accepted.
 *
 * Every principal a list yields must be found again by its name and by its key, have one role, a
 * 40-character key and grants that are non-empty strings; may_send/may_read must follow the
 * documented rules (services and operators by role; agencies by grant).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "wh/access.h"
#include "wh/status.h"

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    snprintf(path, sizeof path, "/tmp/wh-fuzz-allowlist-%ld", (long)getpid());
    return 0;
}

static bool granted(const wh_principal *p, const char *grant)
{
    for (size_t i = 0; i < p->n_grants; i++)
        if (strcmp(p->grants[i], grant) == 0)
            return true;
    return false;
}

static void check_principal(const wh_access *a, const wh_principal *p)
{
    if (wh_access_by_name(a, p->name) != p || wh_access_by_key(a, p->public_key) != p)
        fuzz_fail("a principal is not found by its name and key", p->name, 0);
    if (strlen(p->public_key) != WH_Z85_KEY_LEN || p->name[0] == '\0')
        fuzz_fail("a principal without a name or a 40-character key", p->name, 0);
    if (p->role != WH_ROLE_SERVICE && p->role != WH_ROLE_OPERATOR && p->role != WH_ROLE_AGENCY)
        fuzz_fail("a principal without exactly one role", p->name, (int)p->role);
    for (size_t i = 0; i < p->n_grants; i++)
        if (p->grants[i] == NULL || p->grants[i][0] == '\0')
            fuzz_fail("an empty grant", p->name, (int)i);
    const char *type = "welfare.intake.v1.SubmitReferral";
    bool by_grant = granted(p, type) || granted(p, "*");
    bool expect = p->role == WH_ROLE_AGENCY ? by_grant : true;
    if (wh_access_may_send(p, type, WH_ROLES_ALL) != expect)
        fuzz_fail("may_send disagrees with the documented rule", p->name, 0);
    if (wh_access_may_send(p, type, 0))
        fuzz_fail("may_send allows a role the row does not", p->name, 0);
    expect = p->role == WH_ROLE_AGENCY ? granted(p, "stream:intake") : true; /* "*" is not a stream */
    if (wh_access_may_read(p, "intake") != expect)
        fuzz_fail("may_read disagrees with the documented rule", p->name, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    wh_access *a = NULL;

    if (f == NULL)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    int rc = wh_access_load(&a, path);
    if (rc != 0 && rc != WH_INVALID_ARGUMENT)
        fuzz_fail("wh_access_load returned an untyped failure", "", rc);
    if ((rc == 0) != (a != NULL))
        fuzz_fail("wh_access_load's result and list disagree", "", rc);
    if (a != NULL) {
        /* The principals are reachable through the key of every line; walk the input's tokens. */
        char *copy = malloc(size + 1), *save = NULL;
        memcpy(copy, data, size);
        copy[size] = '\0';
        for (char *tok = strtok_r(copy, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
            const wh_principal *p = wh_access_by_key(a, tok);
            if (p == NULL)
                p = wh_access_by_name(a, tok);
            if (p != NULL)
                check_principal(a, p);
        }
        free(copy);
    }
    wh_access_destroy(&a);
    if (a != NULL)
        fuzz_fail("wh_access_destroy did not clear the pointer", "", 0);
    return 0;
}
