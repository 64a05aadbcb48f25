/*
 * wh/access.h — who may connect, and what each principal may do.
 *
 * The allow-list is a text file (WH_ALLOWLIST_FILE), one principal per line:
 *
 *     # name        role      public key (Z85)                           grants
 *     intake        service   Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID
 *     cli           operator  D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs
 *     agency-fire   agency    rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7   welfare.intake.v1.SubmitReferral
 * stream:intake
 *
 * The ZAP handler accepts a CURVE client only if its public key is listed, and the key becomes the
 * connection's User-Id: identity always comes from the handshake.  Every message is authorized by
 * looking that key up in the current allow-list, which a service re-reads when the file changes (within
 * a second), so a revoked key stops working on connections opened before the revocation too.  Services and
 * operators may send every type whose command row allows their role and read every stream; an agency
 * needs, in addition, the type itself (or "*") among its grants, and "stream:<name>" to read a stream.
 * Clients also find the servers' public keys here, by service name.
 */
#ifndef WH_ACCESS_H
#define WH_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum wh_role {
    WH_ROLE_SERVICE = 1u << 0,  /* one of the five services */
    WH_ROLE_OPERATOR = 1u << 1, /* district staff through welfarectl */
    WH_ROLE_AGENCY = 1u << 2,   /* a partner agency */
} wh_role;

#define WH_ROLES_ALL   (WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY)
#define WH_Z85_KEY_LEN 40

typedef struct wh_principal {
    char name[64];
    wh_role role;
    char public_key[WH_Z85_KEY_LEN + 1];
    char **grants; /* agency grants: message types, "*", "stream:<name>" */
    size_t n_grants;
} wh_principal;

typedef struct wh_access wh_access;

/* Parses the allow-list.  0, or WH_INVALID_ARGUMENT with the line number logged. */
int wh_access_load(wh_access **out, const char *path);
void wh_access_destroy(wh_access **access);

const wh_principal *wh_access_by_key(const wh_access *a, const char *public_z85);
const wh_principal *wh_access_by_name(const wh_access *a, const char *name);

/* May p send a message of this type, given the roles the command's row allows? */
bool wh_access_may_send(const wh_principal *p, const char *type, unsigned allowed_roles);
/* May p read this event stream? */
bool wh_access_may_read(const wh_principal *p, const char *stream);

/* Reads a CURVE secret key file (the Z85 secret key on its first line; a second line with the public
 * key is optional) and derives the public key.  0 or WH_INVALID_ARGUMENT. */
int wh_keys_load_secret(const char *path, char secret_z85[WH_Z85_KEY_LEN + 1],
                        char public_z85[WH_Z85_KEY_LEN + 1]);

#endif
