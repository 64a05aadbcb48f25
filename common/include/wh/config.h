/*
 * wh/config.h — settings from environment variables.
 *
 * Every setting NAME can instead be given as NAME_FILE, the path of a file holding the value (its
 * trailing newline removed) — the way compose secrets arrive.  NAME wins when both are set.
 * Values returned are owned by the config module and live until exit.
 */
#ifndef WH_CONFIG_H
#define WH_CONFIG_H

#include <stdint.h>

/* The value of NAME (or the contents of NAME_FILE), or fallback when neither is set.  Logs and
 * returns fallback if NAME_FILE cannot be read. */
const char *wh_config_str(const char *name, const char *fallback);

/* NAME as an integer in [min, max]; fallback when unset.  Returns 0 and stores it in *out, or
 * WH_INVALID_ARGUMENT (logged with the name) when it is not a number in range. */
int wh_config_int(const char *name, int64_t fallback, int64_t min, int64_t max, int64_t *out);

/* The endpoint of a service's bus socket, from WH_<SERVICE>_BUS or WH_<SERVICE>_HINTS (upper-cased
 * service name), defaulting to the standard local ports:
 *     intake 7101/7102, case 7111/7112, registry 7121/7122, routing 7131/7132, reporting 7141/7142. */
const char *wh_config_bus_endpoint(const char *service);
const char *wh_config_hints_endpoint(const char *service);

/* The HTTP port of a service (WH_HTTP_PORT, else intake 8101, case 8111, registry 8121, routing 8131,
 * reporting 8141). */
int wh_config_http_port(const char *service);

#endif
