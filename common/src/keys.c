/*
 * keys.c — a CURVE secret key file: the Z85 secret key on line 1, optionally the public key on line 2.
 *
 * The public key is always derived from the secret (zmq_curve_public); when the file also states one,
 * the two must agree, so a file whose lines were mixed up from two pairs is refused instead of
 * producing a server every client fails to reach.  The secret never reaches a log line, and the read
 * buffers are wiped before returning.
 */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

#include "wh/access.h"
#include "wh/log.h"
#include "wh/status.h"

/* Strips trailing blanks and line ends in place. */
static void trim(char *s)
{
    size_t n = strlen(s);

    while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
        s[--n] = '\0';
}

static int refuse(const char *path, const char *why)
{
    wh_log_error("bad CURVE secret key file", "{s:s, s:s}", "path", path ? path : "(unset)", "error", why);
    return WH_INVALID_ARGUMENT;
}

/* The first two lines of the file, trimmed; line 2 is empty when absent. */
static int read_lines(const char *path, char line1[128], char line2[128])
{
    FILE *f = fopen(path, "r");

    line1[0] = line2[0] = '\0';
    if (f == NULL)
        return refuse(path, strerror(errno));
    if (fgets(line1, 128, f) == NULL)
        line1[0] = '\0';
    else if (fgets(line2, 128, f) == NULL)
        line2[0] = '\0';
    fclose(f);
    trim(line1);
    trim(line2);
    return 0;
}

int wh_keys_load_secret(const char *path, char secret_z85[WH_Z85_KEY_LEN + 1],
                        char public_z85[WH_Z85_KEY_LEN + 1])
{
    char line1[128], line2[128], derived[WH_Z85_KEY_LEN + 1];
    uint8_t raw[32];
    int rc;

    if (path == NULL)
        return refuse(path, "no key file configured");
    rc = read_lines(path, line1, line2);
    if (rc == 0 && (strlen(line1) != WH_Z85_KEY_LEN || zmq_z85_decode(raw, line1) == NULL))
        rc = refuse(path, "line 1 is not a 40-character Z85 secret key");
    if (rc == 0 && zmq_curve_public(derived, line1) != 0)
        rc = refuse(path, "could not derive the public key (libzmq without CURVE?)");
    if (rc == 0 && line2[0] != '\0' && strcmp(line2, derived) != 0)
        rc = refuse(path, "line 2 is not the public key of the secret key on line 1");
    if (rc == 0) {
        memcpy(secret_z85, line1, WH_Z85_KEY_LEN + 1);
        memcpy(public_z85, derived, WH_Z85_KEY_LEN + 1);
    }
    sodium_memzero(line1, sizeof line1);
    sodium_memzero(raw, sizeof raw);
    return rc;
}
