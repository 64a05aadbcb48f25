/*
 * wh/log.h — JSON-lines logging.
 *
 * One JSON object per line on stderr: {"ts":"…","level":"error","service":"intake",
 * "msg":"could not insert referral","correlation_id":"…", …fields}.  Messages are short, lower case,
 * and never contain personal data; details go in fields.  Fields are given as a jansson json_pack
 * format for an object's members and its arguments:
 *
 *     wh_log_error("could not insert referral", "{s:s, s:I}", "sqlstate", state, "batch", (json_int_t)n);
 *
 * Thread-safe (each line is written with one write(2)).
 */
#ifndef WH_LOG_H
#define WH_LOG_H

typedef enum wh_log_level { WH_LOG_DEBUG, WH_LOG_INFO, WH_LOG_WARN, WH_LOG_ERROR } wh_log_level;

/* Sets the service name written on every line and the lowest level written (from WH_LOG_LEVEL:
 * debug, info, warn, error; default info). */
void wh_log_init(const char *service);

/* Sets the correlation id written on the lines this thread writes from now on (NULL clears it).
 * The bus sets it around each command and event it dispatches. */
void wh_log_set_correlation(const char *correlation_id);

/* Writes one line.  fields_fmt may be NULL; otherwise a json_pack format of an object ("{s:s}"). */
void wh_log(wh_log_level level, const char *msg, const char *fields_fmt, ...);

#define wh_log_debug(...) wh_log(WH_LOG_DEBUG, __VA_ARGS__)
#define wh_log_info(...)  wh_log(WH_LOG_INFO, __VA_ARGS__)
#define wh_log_warn(...)  wh_log(WH_LOG_WARN, __VA_ARGS__)
#define wh_log_error(...) wh_log(WH_LOG_ERROR, __VA_ARGS__)

#endif
