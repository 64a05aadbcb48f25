/*
 * access.c — the allow-list: who may connect over CURVE, under which name and role, with which grants.
 *
 * One principal per line, fields separated by blanks: name, role (service, operator or agency), Z85
 * public key, then an agency's grants (message types, "*", "stream:<name>").  A line whose first
 * non-blank character is '#' is a comment; '#' elsewhere is an ordinary character, since Z85 uses it.
 * The file is parsed whole before anything is used: a single bad line rejects it, naming the line,
 * so a typo can never silently lock a principal out or let one in with the wrong role.
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "wh/access.h"
#include "wh/log.h"
#include "wh/status.h"
#include "wh/util.h"

#define STREAM_PREFIX "stream:"

struct wh_access {
    wh_principal *principals;
    size_t n, cap;
};

static const struct {
    const char *name;
    wh_role role;
} roles[] = {
    {"service", WH_ROLE_SERVICE},
    {"operator", WH_ROLE_OPERATOR},
    {"agency", WH_ROLE_AGENCY},
};

/* Names and grants are plain tokens: letters, digits and . _ - : * (no quoting, no surprises). */
static bool token_valid(const char *s, const char *extra)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (!isalnum((unsigned char)*s) && strchr("._-", *s) == NULL && strchr(extra, *s) == NULL)
            return false;
    return true;
}

static bool key_valid(const char *z85)
{
    uint8_t key[32];

    return strlen(z85) == WH_Z85_KEY_LEN && zmq_z85_decode(key, z85) != NULL;
}

static void principal_free(wh_principal *p)
{
    for (size_t i = 0; i < p->n_grants; i++)
        free(p->grants[i]);
    free(p->grants);
}

static int add_grant(wh_principal *p, const char *grant)
{
    char **grown = realloc(p->grants, (p->n_grants + 1) * sizeof *grown);

    if (grown == NULL)
        return WH_INTERNAL;
    p->grants = grown;
    p->grants[p->n_grants] = strdup(grant);
    if (p->grants[p->n_grants] == NULL)
        return WH_INTERNAL;
    p->n_grants++;
    return 0;
}

/* Parses one principal line (tokens already split) into p; why says what is wrong. */
static int parse_principal(wh_principal *p, char **tok, size_t n_tok, const char **why)
{
    size_t r;

    if (n_tok < 3) {
        *why = "expected: name role public-key [grants…]";
        return WH_INVALID_ARGUMENT;
    }
    if (strlen(tok[0]) >= sizeof p->name || !token_valid(tok[0], "")) {
        *why = "name must be 1-63 letters, digits, '.', '_' or '-'";
        return WH_INVALID_ARGUMENT;
    }
    for (r = 0; r < sizeof roles / sizeof roles[0] && strcmp(roles[r].name, tok[1]) != 0; r++)
        ;
    if (r == sizeof roles / sizeof roles[0]) {
        *why = "role must be service, operator or agency";
        return WH_INVALID_ARGUMENT;
    }
    if (!key_valid(tok[2])) {
        *why = "public key must be 40 characters of Z85";
        return WH_INVALID_ARGUMENT;
    }
    if (n_tok > 3 && roles[r].role != WH_ROLE_AGENCY) {
        *why = "only agencies have grants (services and operators are allowed by role)";
        return WH_INVALID_ARGUMENT;
    }
    snprintf(p->name, sizeof p->name, "%s", tok[0]);
    p->role = roles[r].role;
    memcpy(p->public_key, tok[2], WH_Z85_KEY_LEN + 1);
    for (size_t i = 3; i < n_tok; i++) {
        if (!token_valid(tok[i], ":*")) {
            *why = "a grant is a message type, '*' or 'stream:<name>'";
            return WH_INVALID_ARGUMENT;
        }
        if (add_grant(p, tok[i]) != 0) {
            *why = "out of memory";
            return WH_INTERNAL;
        }
    }
    return 0;
}

/* Splits line in place on blanks; at most max tokens (more is an error). */
static size_t split(char *line, char **tok, size_t max, bool *too_many)
{
    size_t n = 0;

    *too_many = false;
    for (char *t = strtok(line, " \t\r\n"); t != NULL; t = strtok(NULL, " \t\r\n")) {
        if (n == max) {
            *too_many = true;
            break;
        }
        tok[n++] = t;
    }
    return n;
}

static bool is_comment_or_blank(const char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    return *line == '#' || *line == '\0' || *line == '\n' || *line == '\r';
}

/* A second line for the same name or key would make the handshake ambiguous. */
static const char *duplicate_of(const wh_access *a, const wh_principal *p)
{
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->principals[i].name, p->name) == 0)
            return "name is listed twice";
        if (strcmp(a->principals[i].public_key, p->public_key) == 0)
            return "public key is listed twice";
    }
    return NULL;
}

static int add_line(wh_access *a, char *line, const char **why)
{
    char *tok[256];
    bool too_many;
    size_t n = split(line, tok, sizeof tok / sizeof tok[0], &too_many);
    wh_principal p = {0};
    int rc;

    if (too_many) {
        *why = "too many grants on one line";
        return WH_INVALID_ARGUMENT;
    }
    rc = parse_principal(&p, tok, n, why);
    if (rc == 0 && (*why = duplicate_of(a, &p)) != NULL)
        rc = WH_INVALID_ARGUMENT;
    if (rc == 0) {
        wh_principal *grown = wh_grow(a->principals, &a->cap, a->n + 1, sizeof *grown, 16);
        if (grown) {
            a->principals = grown;
        } else {
            *why = "out of memory";
            rc = WH_INTERNAL;
        }
    }
    if (rc != 0) {
        principal_free(&p);
        return rc;
    }
    a->principals[a->n++] = p;
    return 0;
}

int wh_access_load(wh_access **out, const char *path)
{
    wh_access *a = calloc(1, sizeof *a);
    FILE *f = path ? fopen(path, "r") : NULL;
    char *line = NULL;
    size_t cap = 0, line_no = 0;
    const char *why = NULL;
    int rc = 0;

    *out = NULL;
    if (a == NULL || f == NULL) {
        wh_log_error("could not read allow-list", "{s:s, s:s}", "path", path ? path : "(unset)", "error",
                     a == NULL ? "out of memory" : strerror(errno));
        rc = a == NULL ? WH_INTERNAL : WH_INVALID_ARGUMENT;
        goto cleanup;
    }
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        line_no++;
        if (!is_comment_or_blank(line))
            rc = add_line(a, line, &why);
    }
    if (rc == 0 && ferror(f)) {
        why = "read error";
        rc = WH_INVALID_ARGUMENT;
    }
    if (rc != 0)
        wh_log_error("bad allow-list line", "{s:s, s:I, s:s}", "path", path, "line", (json_int_t)line_no,
                     "error", why ? why : "invalid");
cleanup:
    free(line);
    if (f != NULL)
        fclose(f);
    if (rc != 0) {
        wh_access_destroy(&a);
        return rc;
    }
    *out = a;
    return 0;
}

void wh_access_destroy(wh_access **access)
{
    if (access == NULL || *access == NULL)
        return;
    for (size_t i = 0; i < (*access)->n; i++)
        principal_free(&(*access)->principals[i]);
    free((*access)->principals);
    free(*access);
    *access = NULL;
}

const wh_principal *wh_access_by_key(const wh_access *a, const char *public_z85)
{
    if (a == NULL || public_z85 == NULL)
        return NULL;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->principals[i].public_key, public_z85) == 0)
            return &a->principals[i];
    return NULL;
}

const wh_principal *wh_access_by_name(const wh_access *a, const char *name)
{
    if (a == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->principals[i].name, name) == 0)
            return &a->principals[i];
    return NULL;
}

static bool has_grant(const wh_principal *p, const char *grant)
{
    for (size_t i = 0; i < p->n_grants; i++)
        if (strcmp(p->grants[i], grant) == 0)
            return true;
    return false;
}

bool wh_access_may_send(const wh_principal *p, const char *type, unsigned allowed_roles)
{
    if (p == NULL || type == NULL || (p->role & allowed_roles) == 0)
        return false;
    if (p->role != WH_ROLE_AGENCY)
        return true;
    /* "*" covers message types only; reading a stream always needs its own grant. */
    return strncmp(type, STREAM_PREFIX, strlen(STREAM_PREFIX)) != 0 &&
           (has_grant(p, type) || has_grant(p, "*"));
}

bool wh_access_may_read(const wh_principal *p, const char *stream)
{
    char grant[128];

    if (p == NULL || stream == NULL)
        return false;
    if (p->role != WH_ROLE_AGENCY)
        return true;
    if ((size_t)snprintf(grant, sizeof grant, STREAM_PREFIX "%s", stream) >= sizeof grant)
        return false;
    return has_grant(p, grant);
}
