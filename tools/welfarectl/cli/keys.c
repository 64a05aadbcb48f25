/*
 * keys.c — `welfarectl keys`: CURVE key pairs and the allow-list.
 *
 *   keys generate DIR [--agency NAME …]       the five services, cli and each agency; idempotent
 *   keys add-agency DIR NAME [--grant TYPE …] [--reporter ID …]
 *                                             a key pair and an allow-list line (default grant:
 *                                             welfare.intake.v1.SubmitReferral); --reporter ID adds
 *                                             the grant reporter:ID (the reporter the agency files as,
 *                                             from RegisterReporter) to the line's grants
 *   keys revoke DIR NAME                      removes the principal's allow-list line
 *
 * DIR/<name>.key holds the secret key (Z85) on line 1 and the public key on line 2, mode 0600; an
 * existing key file is never overwritten.  DIR/allowlist is rewritten through a temporary file and a
 * rename, keeping the lines (and grants) of principals it does not touch.  Agency names get the
 * "agency-" prefix when it is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "wctl.h"

#define KEY_LEN        40
#define DEFAULT_GRANT  "welfare.intake.v1.SubmitReferral"
#define MAX_PRINCIPALS 512

typedef struct line {
    char name[64];
    char *text; /* the whole line, without newline */
} line;

typedef struct allowlist {
    line lines[MAX_PRINCIPALS];
    size_t n;
    char *header; /* comment lines at the top, kept */
} allowlist;

static void path_of(char *out, size_t n, const char *dir, const char *name, const char *suffix)
{
    snprintf(out, n, "%s/%s%s", dir, name, suffix);
}

/* Reads DIR/name.key's public key, creating the pair first when the file does not exist. */
static int key_ensure(const char *dir, const char *name, char public_z85[KEY_LEN + 1], bool *created)
{
    char path[4096], secret[KEY_LEN + 1], buf[256];
    FILE *f;
    int fd;

    path_of(path, sizeof path, dir, name, ".key");
    *created = false;
    f = fopen(path, "r");
    if (f != NULL) {
        bool ok = fgets(buf, sizeof buf, f) != NULL && strlen(buf) >= KEY_LEN;

        fclose(f);
        memcpy(secret, buf, KEY_LEN);
        secret[KEY_LEN] = '\0';
        if (!ok || zmq_curve_public(public_z85, secret) != 0) {
            fprintf(stderr, "error: %s: not a CURVE secret key file\n", path);
            return -1;
        }
        return 0;
    }
    if (zmq_curve_keypair(public_z85, secret) != 0) {
        fprintf(stderr, "error: CURVE key generation failed: %s\n", zmq_strerror(zmq_errno()));
        return -1;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || dprintf(fd, "%s\n%s\n", secret, public_z85) < 0 || close(fd) != 0) {
        fprintf(stderr, "error: %s: %s\n", path, strerror(errno));
        return -1;
    }
    *created = true;
    return 0;
}

static int allowlist_read(allowlist *a, const char *path)
{
    char buf[4096];
    FILE *f = fopen(path, "r");
    size_t header_len = 0;

    memset(a, 0, sizeof *a);
    a->header = calloc(1, 1);
    if (f == NULL)
        return errno == ENOENT ? 0 : -1;
    while (fgets(buf, sizeof buf, f) != NULL) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (buf[0] == '#' || buf[0] == '\0') {
            if (a->n == 0 && buf[0] == '#') {
                size_t l = strlen(buf);
                char *h = realloc(a->header, header_len + l + 2);

                if (h == NULL)
                    break;
                a->header = h;
                memcpy(h + header_len, buf, l);
                header_len += l;
                h[header_len++] = '\n';
                h[header_len] = '\0';
            }
            continue;
        }
        if (a->n == MAX_PRINCIPALS)
            break;
        sscanf(buf, "%63s", a->lines[a->n].name);
        a->lines[a->n++].text = strdup(buf);
    }
    fclose(f);
    return 0;
}

static line *allowlist_find(allowlist *a, const char *name)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->lines[i].name, name) == 0)
            return &a->lines[i];
    return NULL;
}

/* Sets name's line: a new line, or the same grants with a (possibly new) key when it exists. */
static void allowlist_set(allowlist *a, const char *name, const char *role, const char *key,
                          const char *grants, bool keep_grants)
{
    line *l = allowlist_find(a, name);
    char text[4096], kept[3072] = "";

    if (l != NULL && keep_grants) {
        char n0[64], r0[32], k0[64];
        int used = 0;

        if (sscanf(l->text, "%63s %31s %63s %n", n0, r0, k0, &used) >= 3 && used > 0)
            snprintf(kept, sizeof kept, "%s", l->text + used);
        grants = kept;
    }
    snprintf(text, sizeof text, "%-16s %-9s %s%s%s", name, role, key, grants[0] ? "   " : "", grants);
    if (l == NULL) {
        if (a->n == MAX_PRINCIPALS)
            return;
        l = &a->lines[a->n++];
        snprintf(l->name, sizeof l->name, "%s", name);
    } else {
        free(l->text);
    }
    l->text = strdup(text);
}

static bool allowlist_remove(allowlist *a, const char *name)
{
    line *l = allowlist_find(a, name);

    if (l == NULL)
        return false;
    free(l->text);
    memmove(l, l + 1, (size_t)(&a->lines[a->n] - (l + 1)) * sizeof *l);
    a->n--;
    return true;
}

static int allowlist_write(allowlist *a, const char *path)
{
    char tmp[4200];
    FILE *f;

    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (f == NULL) {
        fprintf(stderr, "error: %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    if (a->header[0] != '\0')
        fputs(a->header, f);
    else
        fputs("# welfarehub allow-list (welfarectl keys): name, role, CURVE public key (Z85), grants\n", f);
    for (size_t i = 0; i < a->n; i++)
        fprintf(f, "%s\n", a->lines[i].text);
    if (fclose(f) != 0 || chmod(tmp, 0644) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "error: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static void allowlist_free(allowlist *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->lines[i].text);
    free(a->header);
}

static void agency_name(const char *given, char *out, size_t n)
{
    snprintf(out, n, "%s%s", strncmp(given, "agency-", 7) == 0 ? "" : "agency-", given);
}

static bool name_ok(const char *name)
{
    if (name[0] == '\0' || strlen(name) > 63)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return false;
    return true;
}

/* Makes (or keeps) name's key pair and sets its allow-list line. */
static int principal_ensure(allowlist *a, const char *dir, const char *name, const char *role,
                            const char *grants, bool keep_grants)
{
    char pub[KEY_LEN + 1];
    bool created;

    if (!name_ok(name)) {
        fprintf(stderr, "error: bad principal name \"%s\" (a-z, 0-9, '-', '_')\n", name);
        return -1;
    }
    if (key_ensure(dir, name, pub, &created) != 0)
        return -1;
    allowlist_set(a, name, role, pub, grants, keep_grants && allowlist_find(a, name) != NULL);
    printf("%-16s %-9s %s%s\n", name, role, pub, created ? "  (new)" : "");
    return 0;
}

static int with_allowlist(const char *dir, int (*fn)(allowlist *a, const char *dir, int argc, char **argv),
                          int argc, char **argv)
{
    static allowlist a;
    char path[4096];
    int rc;

    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "error: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    path_of(path, sizeof path, dir, "allowlist", "");
    if (allowlist_read(&a, path) != 0) {
        fprintf(stderr, "error: %s: %s\n", path, strerror(errno));
        return 1;
    }
    rc = fn(&a, dir, argc, argv);
    if (rc == 0 && allowlist_write(&a, path) != 0)
        rc = 1;
    allowlist_free(&a);
    return rc;
}

static int do_generate(allowlist *a, const char *dir, int argc, char **argv)
{
    for (size_t i = 0; i < 5; i++)
        if (principal_ensure(a, dir, wctl_services[i], "service", "", true) != 0)
            return 1;
    if (principal_ensure(a, dir, "cli", "operator", "", true) != 0)
        return 1;
    for (int i = 0; i < argc; i++) {
        char name[80];

        if (strcmp(argv[i], "--agency") != 0 || i + 1 >= argc) {
            fprintf(stderr, "error: unexpected \"%s\" (usage: keys generate DIR [--agency NAME …])\n",
                    argv[i]);
            return 2;
        }
        agency_name(argv[++i], name, sizeof name);
        if (principal_ensure(a, dir, name, "agency", DEFAULT_GRANT, true) != 0)
            return 1;
    }
    return 0;
}

/* The grants of name's line now ("" when it has none or is not listed). */
static void grants_of(allowlist *a, const char *name, char *out, size_t cap)
{
    line *l = allowlist_find(a, name);
    char n0[64], r0[32], k0[64];
    int used = 0;

    out[0] = '\0';
    if (l != NULL && sscanf(l->text, "%63s %31s %63s %n", n0, r0, k0, &used) >= 3 && used > 0)
        snprintf(out, cap, "%s", l->text + used);
}

/* Appends " grant" to grants unless it is among them already.  0, or -1 when it does not fit. */
static int grant_append(char *grants, size_t cap, const char *grant)
{
    size_t len = strlen(grants), glen = strlen(grant);

    for (const char *p = strstr(grants, grant); p != NULL; p = strstr(p + 1, grant))
        if ((p == grants || p[-1] == ' ') && (p[glen] == '\0' || p[glen] == ' '))
            return 0;
    if (len + glen + 2 > cap)
        return -1;
    snprintf(grants + len, cap - len, "%s%s", len ? " " : "", grant);
    return 0;
}

static bool reporter_id_ok(const char *s)
{
    if (*s < '1' || *s > '9' || strlen(s) > 18)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static int do_add_agency(allowlist *a, const char *dir, int argc, char **argv)
{
    static const char usage[] = "usage: keys add-agency DIR NAME [--grant TYPE …] [--reporter ID …]";
    char name[80], grants[3072] = "", reporter[64];
    const char *reporters[64];
    size_t n_reporters = 0;
    bool explicit = false;

    agency_name(argv[0], name, sizeof name);
    for (int i = 1; i < argc; i++) {
        bool is_grant = strcmp(argv[i], "--grant") == 0, is_reporter = strcmp(argv[i], "--reporter") == 0;

        if ((!is_grant && !is_reporter) || i + 1 >= argc) {
            fprintf(stderr, "error: unexpected \"%s\" (%s)\n", argv[i], usage);
            return 2;
        }
        i++;
        if (is_reporter &&
            (!reporter_id_ok(argv[i]) || n_reporters == sizeof reporters / sizeof reporters[0])) {
            fprintf(stderr, "error: --reporter takes a reporter id (from RegisterReporter), not \"%s\"\n",
                    argv[i]);
            return 2;
        }
        if (is_reporter)
            reporters[n_reporters++] = argv[i];
        else if (grant_append(grants, sizeof grants, argv[i]) != 0)
            return 2;
        explicit |= is_grant;
    }
    /* explicit grants replace the line's; none keeps an existing agency's or gives the default */
    if (!explicit)
        grants_of(a, name, grants, sizeof grants);
    if (!explicit && grants[0] == '\0')
        snprintf(grants, sizeof grants, "%s", DEFAULT_GRANT);
    for (size_t i = 0; i < n_reporters; i++) {
        snprintf(reporter, sizeof reporter, "reporter:%s", reporters[i]);
        if (grant_append(grants, sizeof grants, reporter) != 0)
            return 2;
    }
    return principal_ensure(a, dir, name, "agency", grants, false) != 0;
}

static int do_revoke(allowlist *a, const char *dir, int argc, char **argv)
{
    char name[80];

    snprintf(name, sizeof name, "%s", argv[0]);
    if (!allowlist_remove(a, name)) {
        agency_name(argv[0], name, sizeof name);
        if (!allowlist_remove(a, name)) {
            fprintf(stderr, "error: %s is not in %s/allowlist\n", argv[0], dir);
            return 1;
        }
    }
    printf(
        "revoked %s: its line is gone from %s/allowlist; services reading this allow-list refuse it within "
        "a second (%s/%s.key may be deleted)\n",
        name, dir, dir, name);
    return 0;
}

int wctl_cmd_keys(int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "";
    bool help = wctl_help_flag(argc, argv);

    if (help)
        sub = "--help";
    else if (argc >= 2 && strcmp(sub, "generate") == 0)
        return with_allowlist(argv[1], do_generate, argc - 2, argv + 2);
    else if (argc >= 3 && strcmp(sub, "add-agency") == 0)
        return with_allowlist(argv[1], do_add_agency, argc - 2, argv + 2);
    else if (argc == 3 && strcmp(sub, "revoke") == 0)
        return with_allowlist(argv[1], do_revoke, 1, argv + 2);
    fputs("usage: welfarectl keys generate DIR [--agency NAME …]\n"
          "       welfarectl keys add-agency DIR NAME [--grant TYPE …] [--reporter ID …]\n"
          "       welfarectl keys revoke DIR NAME\n",
          argc > 0 && strcmp(sub, "--help") == 0 ? stdout : stderr);
    return argc > 0 && strcmp(sub, "--help") == 0 ? 0 : 2;
}
