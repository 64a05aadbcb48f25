/*
 * wctl.h — the parts of welfarectl: the descriptor registry, the command table, the generic flag
 * parser, the printers, the CSV reader and the special commands.
 *
 * welfarectl knows no message by hand.  Its commands are those the services declare (the options on
 * each request in its commands.proto, generated into wctl_command_docs); the request is filled from
 * `--field value` flags by walking its ProtobufCMessageDescriptor, and the reply is printed by walking
 * its descriptor too — so a new command costs nothing here.
 */
#ifndef WCTL_H
#define WCTL_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* --- registry.c: every generated message descriptor (gen-descriptors.sh) ----------------------- */

extern const ProtobufCMessageDescriptor *const wctl_descriptors[];
extern const size_t wctl_n_descriptors;

/* The descriptor of a message by its full name ("welfare.intake.v1.SubmitReferral"), or NULL. */
const ProtobufCMessageDescriptor *wctl_descriptor_find(const char *full_name);

/* "SubmitReferral" → "submit-referral" (into out, n bytes). */
void wctl_kebab(const char *camel, char *out, size_t n);

/* The enum value for text: its full name or the name without the enum's prefix, case-insensitive
 * ("public", "PROVIDER_KIND_PUBLIC"), or a number.  NULL when none matches. */
const ProtobufCEnumValue *wctl_enum_find(const ProtobufCEnumDescriptor *e, const char *text);
/* The value's name without the enum's prefix ("PUBLIC"), for tables. */
const char *wctl_enum_short(const ProtobufCEnumDescriptor *e, int value);

/* --- commands.c: the command table ----------------------------------------------------------- */

/* One command as its service declares it (scripts/gen-commands.py cli, from the options on the request). */
typedef struct wctl_command_doc {
    const char *type;    /* the request's full name, "welfare.intake.v1.SubmitReferral" */
    const char *summary; /* one line */
    const char *who;     /* the roles that may send it, "service, operator, agency (granted)" */
    bool query;
    const char *errors; /* the statuses it may answer besides the common ones, "NOT_FOUND, …" or "" */
} wctl_command_doc;

extern const wctl_command_doc wctl_command_docs[];
extern const size_t wctl_n_command_docs;

typedef struct wctl_cmd {
    char service[16]; /* "intake" (from the package welfare.intake.v1) */
    char name[64];    /* "submit-referral" */
    const char *summary;
    const char *who;
    bool query;
    const char *errors; /* besides the common ones; "" for none */
    const ProtobufCMessageDescriptor *request;
    const ProtobufCMessageDescriptor *reply;
} wctl_cmd;

/* Every command the services declare, in their declaration order.  The array lives until exit. */
size_t wctl_commands(const wctl_cmd **out);
const wctl_cmd *wctl_command_find(const char *service, const char *name);
bool wctl_service_known(const char *service);
extern const char *const wctl_services[5];

/* --- flags.c: --field value → protobuf fields ------------------------------------------------- */

/* Sets the field at path ("reported_on", "household.address", "persons.0.name", "skills") of msg from
 * text; repeated scalars append (comma-separated values append several); a repeated message without
 * an index continues the last element unless that field is already set there.  0, or -1 with a
 * message in err. */
int wctl_field_set(ProtobufCMessage *msg, const char *path, const char *value, char *err, size_t errlen);

/* The same without splitting a repeated value at commas (JSON input, CSV cells). */
int wctl_field_add(ProtobufCMessage *msg, const char *path, const char *value, char *err, size_t errlen);

/* 0 when path names a scalar field of d (through nested messages and indexes), else -1. */
int wctl_field_path_check(const ProtobufCMessageDescriptor *d, const char *path);

/* Parses `--path value`, `--path=value` and bare boolean `--path` flags into msg.  0 or -1 (err). */
int wctl_flags_parse(ProtobufCMessage *msg, int argc, char **argv, char *err, size_t errlen);

/* Fills msg from a JSON object in file ("-": stdin), field names as in the proto.  0 or -1 (err). */
int wctl_input_json(ProtobufCMessage *msg, const char *file, char *err, size_t errlen);
/* The same from one JSON object in text (a line of `welfarectl batch`). */
int wctl_input_json_text(ProtobufCMessage *msg, const char *text, char *err, size_t errlen);
/* 16 hash bytes laid out as a UUID (version 8): a message id derived from its content. */
void wctl_uuid_text(unsigned char h[16], char out[37]);

/* A new empty message of this type (malloc'd; free with protobuf_c_message_free_unpacked). */
ProtobufCMessage *wctl_message_new(const ProtobufCMessageDescriptor *d);

/* Writes the flags a message type accepts (one per line, with their types) for --help. */
void wctl_flags_help(FILE *out, const ProtobufCMessageDescriptor *d);

/* --- json.c and print.c: replies --------------------------------------------------------------- */

/* The message as a JSON object (proto field names; enums by name; every field, defaults included). */
json_t *wctl_json_from_message(const ProtobufCMessage *msg);

/* The same with enums by their short names ("PUBLIC"), which the readable printer uses. */
json_t *wctl_json_for_print(const ProtobufCMessage *msg);

/* Prints a reply readably: scalar fields as "name: value" lines, repeated messages as aligned tables. */
void wctl_print_message(FILE *out, const ProtobufCMessage *msg);
void wctl_print_json(FILE *out, const json_t *obj);

/* Prints rows of cells as an aligned table (numbers right-aligned); UTF-8 aware widths. */
typedef struct wctl_table wctl_table;
wctl_table *wctl_table_new(size_t columns);
/* Right-aligns every cell of the columns from `column` on (cells like "43(28)", "+12.5%"), the
 * heads too; by default only numbers are. */
void wctl_table_right_from(wctl_table *t, size_t column);
void wctl_table_add(wctl_table *t, const char *const *cells);
void wctl_table_print(FILE *out, const wctl_table *t);
void wctl_table_free(wctl_table **t);
/* Display width of a UTF-8 string (Hangul and other wide characters count 2). */
size_t wctl_text_width(const char *s);

/* --- csv.c ------------------------------------------------------------------------------------ */

typedef struct wctl_csv wctl_csv;

/* Reads RFC 4180 CSV (quotes, doubled quotes, newlines inside quotes, CRLF; a UTF-8 BOM is skipped). */
wctl_csv *wctl_csv_open(FILE *in);
/* Next record: 1 with fields in *fields (n in *n; owned by the reader until the next call), 0 at end,
 * -1 on a malformed record (unterminated quote), with the message in err.  *line is the record's first
 * line number. */
int wctl_csv_next(wctl_csv *r, char ***fields, size_t *n, long *line, char *err, size_t errlen);
void wctl_csv_close(wctl_csv **r);

/* --- import_input.c, import_check.c, import_headers.c: what the referral import reads ----------- */

/* An import file read whole, as UTF-8 (encoding given, or found: see import_input.c). */
typedef struct wctl_import_input {
    char *data;
    size_t len;
    char encoding[32];
    const char *hint; /* appended to "not valid UTF-8" row errors, or NULL */
} wctl_import_input;

/* Reads path ("-": stdin) in encoding (NULL: detect).  0, or -1 after printing why. */
int wctl_import_input_open(wctl_import_input *in, const char *path, const char *encoding);
/* A new stream over the UTF-8 text (fclose it), for each pass. */
FILE *wctl_import_input_stream(const wctl_import_input *in);
/* Records after the header line, blank lines not counted. */
long wctl_import_input_rows(const wctl_import_input *in);
void wctl_import_input_free(wctl_import_input *in);

/* Why a row fails before it is sent: status (a wh_status), field path and message. */
typedef struct wctl_row_failure {
    int status;
    char field[128];
    char message[160];
} wctl_row_failure;

/* A row's encoded size limit: under the 900 kB block and the bus's 1 MiB frame. */
#define WCTL_MAX_ROW_BYTES 64000

/* A SubmitReferral checked offline with intake's own code: the bus's text policy (strings replaced
 * by their NFC form), intake_validate_referral, the row size.  0, or -1 with *f filled. */
int wctl_referral_check(ProtobufCMessage *m, wctl_row_failure *f);

/* The field path of a referral CSV heading: a Korean heading of the template (성명1 → persons.0.name),
 * else h itself; NULL for a column to skip (the rejects file's 오류/error).  buf holds built paths. */
const char *wctl_referral_heading_path(const char *h, char *buf, size_t n);
/* `import template referrals …` (argv after "template"). */
int wctl_cmd_import_template(int argc, char **argv);

/* The version --version prints (set by the Makefile from git describe). */
#ifndef WCTL_VERSION
#define WCTL_VERSION "unknown"
#endif
/* True when an argument is --version (the version is printed then). */
bool wctl_version_flag(int argc, char **argv);
/* True when an argument is --help or -h. */
bool wctl_help_flag(int argc, char **argv);
/* True when --jobs N is 1..WH_IN_FLIGHT_MAX (64: what a service holds of one connection at once);
 * otherwise says so on stderr. */
bool wctl_jobs_ok(long jobs);

/* --- special commands (argv after the command word) -------------------------------------------- */

int wctl_cmd_keys(int argc, char **argv);
int wctl_cmd_kpi(int argc, char **argv);
int wctl_cmd_kpi_table(int argc, char **argv); /* kpi_table.c */
/* The comparison table for people: periods, dong groups, the aligned table, columns, warnings. */
struct Welfare__Reporting__V1__KpiTable;
void wctl_print_kpi_table(FILE *out, const struct Welfare__Reporting__V1__KpiTable *t);

/* A reporting read command (report_query.c): flag → request field, then one call. */
typedef struct {
    const char *flag;  /* "--from" */
    const char *field; /* "selection.from_on" (wctl_field_set's path) */
    /* NULL: the argument as given; else the field's text for it, NULL when refused */
    const char *(*value)(const char *arg);
    const char *refused; /* the error when value() refuses */
} wctl_report_flag;
typedef struct {
    const char *method; /* "QueryKpi", for errors */
    const ProtobufCMessageDescriptor *request, *reply;
    const wctl_report_flag *flags;
    size_t n_flags;
    int (*usage)(int rc);                         /* prints the usage; returns rc */
    void (*print)(const ProtobufCMessage *reply); /* the reply for people */
} wctl_report_query;
/* Parses argv into the request, calls reporting, prints the reply (--json: as JSON).  Exit code. */
int wctl_report_run(const wctl_report_query *q, int argc, char **argv);
int wctl_cmd_import(int argc, char **argv);
/* `import roster FILE.csv …` (import_roster.c); argv after "roster". */
int wctl_cmd_import_roster(int argc, char **argv);
int wctl_cmd_batch(int argc, char **argv);
int wctl_cmd_events(int argc, char **argv);
int wctl_cmd_dead_letters(int argc, char **argv);

/* Connects to service, sends req, prints the reply with print(reply, ctx) (errors: method and the
 * status).  Exit code: 0, or 1 when the call failed. */
int wctl_call_print(const char *service, const char *method, const ProtobufCMessage *req,
                    const ProtobufCMessageDescriptor *reply_desc,
                    void (*print)(const ProtobufCMessage *reply, const void *ctx), const void *ctx);
/* Runs a table command: argv is the flags.  Exit code. */
int wctl_run_command(const wctl_cmd *cmd, int argc, char **argv);

/* run.c: shared by the commands. */
typedef struct whc whc;
typedef struct whc_error whc_error;
/* Opens a client with the environment's options; prints why on failure.  0 or a wh_status. */
int wctl_connect(whc **c, const char *service);
/* "error: <what>: STATUS (field): message" on stderr. */
void wctl_print_error(const char *what, const whc_error *err);
/* The reply as a readable table, or as JSON with --json. */
void wctl_print_reply(const ProtobufCMessage *reply);

/* Output format chosen by --json (global). */
extern bool wctl_json_output;

#endif
