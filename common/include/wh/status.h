/*
 * wh/status.h — result codes shared by every libwh function and every handler.
 *
 * 0 is success; failures are negative.  The first group maps one to one onto the bus's typed errors
 * (welfare.bus.v1.Status), so a handler's return value is what the client reads in the reply.
 */
#ifndef WH_STATUS_H
#define WH_STATUS_H

typedef enum wh_status {
    WH_OK = 0,
    WH_INVALID_ARGUMENT = -1, /* a field is missing or out of range; never retried */
    WH_NOT_FOUND = -2,
    WH_ALREADY_EXISTS = -3,
    WH_PERMISSION_DENIED = -4,
    WH_FAILED_PRECONDITION = -5,
    WH_UNAVAILABLE = -6, /* database or peer down: the client retries with the same message id */
    WH_INTERNAL = -7,
    WH_MALFORMED = -8,
    WH_TOO_LARGE = -9,
} wh_status;

/* A failure's bit in a set of statuses (wh_command.errors). */
#define WH_STATUS_BIT(status) (1u << -(status))

/* Commands of one connection (ZeroMQ routing id) a service holds at once — the ones in the batch it is
 * running; beyond, each further one is UNAVAILABLE with a retry hint, nothing stored (peer_bounds.c).
 * A client's window (welfarectl --jobs) is at most this. */
#define WH_IN_FLIGHT_MAX 64

/* What any command may answer, so no command declares them: bad input, a refusal by the grants, the
 * database or a peer down, a fault of the service.  (ALREADY_EXISTS for a reused message id is the
 * framework's too, answered before any handler runs.)  A command declares the others it can return
 * (NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION) in its commands.proto options. */
#define WH_COMMON_ERRORS                                                                                     \
    (WH_STATUS_BIT(WH_INVALID_ARGUMENT) | WH_STATUS_BIT(WH_MALFORMED) | WH_STATUS_BIT(WH_TOO_LARGE) |        \
     WH_STATUS_BIT(WH_PERMISSION_DENIED) | WH_STATUS_BIT(WH_UNAVAILABLE) | WH_STATUS_BIT(WH_INTERNAL))

/* The bus's name for a status ("INVALID_ARGUMENT"); never NULL. */
const char *wh_status_name(int status);

/* The welfare.bus.v1.Status value for a wh_status, and back. */
int wh_status_to_proto(int status);
int wh_status_from_proto(int proto_status);

/* True for failures that a retry of the same command cannot change (they are stored with the command
 * and replayed); false for UNAVAILABLE and INTERNAL, which are never stored. */
int wh_status_is_final(int status);

#endif
