/*
 * import_roster.c — `welfarectl import roster FILE.csv [--map COLUMN=PATH]… [--block-rows N] [--jobs N]
 * [--check]`: a programme's national list into intake's roster, in blocks of ImportEnrolmentBlock (N in
 * flight on one connection, default 4).  Intake matches, hashes and seals the persons: this tool never
 * holds the PII key.
 *
 * Each column names an EnrolmentRow field path (`person.rrn`, `person.name`, `household.address`,
 * `household.dong_code`, `programme`, `start_on`, `end_on`, `exit_reason`), or a header of the
 * national list that the table below maps to one (주민등록번호, 성명, 주소, 행정동코드, 사업코드, 시작일,
 * 종료일, 중지사유), or any header mapped with --map (`--map "수급자 주민번호=person.rrn"`); a column
 * mapped to `-` is skipped.  Enums go by name (`--exit_reason unqualified_beneficiary`).
 *
 * Exactly once: a block's message id is a hash of the header, the block's number and its rows, so the
 * same file imported again (with the same --block-rows) submits nothing twice; a timeout reconnects and
 * resends the blocks in flight with their ids (WH_RETRIES times).  A bad row (unparsable cell, wrong
 * number of cells, or its error in the reply) is reported on stderr with its line and does not stop the
 * import; the exit code is then 1.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wctl.h"
#include "welfare/intake/v1/roster.pb-c.h"
#include "wh/status.h"
#include "wh/util.h"
#include "whclient.h"

#define ROSTER_BLOCK_ROWS 2000
#define ROSTER_MAX_ROWS   10000 /* intake's INTAKE_BLOCK_MAX_ROWS */
#define ROSTER_MAX_BYTES  900000
#define ROSTER_MAX_JOBS   WH_IN_FLIGHT_MAX /* what a service holds of one connection at once */
#define ROSTER_MAX_MAPS   32
#define ROSTER_TIMEOUT_MS 60000

/* The national list's headers, as data. */
static const struct {
    const char *header, *path;
} known_headers[] = {
    {"주민등록번호", "person.rrn"}, {"성명", "person.name"},       {"생년월일", "person.birth_date"},
    {"전화번호", "person.phone"},   {"주소", "household.address"}, {"행정동코드", "household.dong_code"},
    {"사업코드", "programme"},      {"시작일", "start_on"},        {"종료일", "end_on"},
    {"중지사유", "exit_reason"},
};

typedef struct in_flight {
    char id[37];
    long first_line, last_line;
    int attempts;
    Welfare__Intake__V1__ImportEnrolmentBlock *block;
} in_flight;

typedef struct roster_import {
    whc *c;
    char **paths; /* per column, NULL when skipped */
    size_t n_cols;
    unsigned char header_hash[32];
    char import_id[65];
    size_t block_rows, jobs;
    int timeout_ms, retries;
    bool check;
    long rows, ok, failed, added, changed, persons_added, targets_changed;
    long already; /* rows intake answered already imported (their row ids stored before) */
    Welfare__Intake__V1__ImportEnrolmentBlock *block;
    size_t block_cap, block_bytes;
    long block_no;
    crypto_generichash_state hash;
    in_flight *slots;
    size_t n_flight;
} roster_import;

static void row_failed(roster_import *im, long line, const char *status, const char *field, const char *msg)
{
    fprintf(stderr, "line %ld: %s%s%s%s: %s\n", line, status, field[0] ? " (" : "", field,
            field[0] ? ")" : "", msg);
    im->failed++;
}

static const char *map_header(const char *h, char *const *maps, size_t n_maps)
{
    size_t len = strlen(h);
    for (size_t i = 0; i < n_maps; i++)
        if (strncmp(maps[i], h, len) == 0 && maps[i][len] == '=')
            return maps[i] + len + 1;
    for (size_t i = 0; i < sizeof known_headers / sizeof known_headers[0]; i++)
        if (strcmp(known_headers[i].header, h) == 0)
            return known_headers[i].path;
    return h;
}

static int read_header(roster_import *im, char **fields, size_t n, char *const *maps, size_t n_maps)
{
    im->paths = calloc(n, sizeof *im->paths);
    im->n_cols = n;
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof im->header_hash);
    for (size_t i = 0; im->paths && i < n; i++) {
        const char *path = map_header(fields[i], maps, n_maps);
        crypto_generichash_update(&st, (const unsigned char *)path, strlen(path) + 1);
        if (strcmp(path, "-") == 0)
            continue;
        if (wctl_field_path_check(&welfare__intake__v1__enrolment_row__descriptor, path) != 0) {
            fprintf(stderr,
                    "error: line 1: column %zu \"%s\" is not an EnrolmentRow field (map it with --map "
                    "\"%s=person.rrn\", or skip it with --map \"%s=-\")\n",
                    i + 1, fields[i], fields[i], fields[i]);
            return -1;
        }
        im->paths[i] = strdup(path);
    }
    crypto_generichash_final(&st, im->header_hash, sizeof im->header_hash);
    sodium_bin2hex(im->import_id, sizeof im->import_id, im->header_hash, sizeof im->header_hash);
    return im->paths ? 0 : -1;
}

/* The row as an EnrolmentRow; NULL after reporting why. */
static Welfare__Intake__V1__EnrolmentRow *row_message(roster_import *im, long line, char **cells)
{
    ProtobufCMessage *m = wctl_message_new(&welfare__intake__v1__enrolment_row__descriptor);
    char err[300];
    for (size_t i = 0; m && i < im->n_cols; i++) {
        if (!im->paths[i] || cells[i][0] == '\0')
            continue;
        if (wctl_field_add(m, im->paths[i], cells[i], err, sizeof err) != 0) {
            row_failed(im, line, "INVALID_ARGUMENT", im->paths[i], err);
            protobuf_c_message_free_unpacked(m, NULL);
            return NULL;
        }
    }
    return (Welfare__Intake__V1__EnrolmentRow *)m;
}

static void block_settled(roster_import *im, const Welfare__Intake__V1__ImportEnrolmentBlockReply *r)
{
    im->ok += r->rows_ok;
    im->already += (long)r->n_already_imported_rows;
    im->added += r->enrolments_added;
    im->changed += r->enrolments_changed;
    im->persons_added += r->persons_added;
    im->targets_changed += r->targets_changed;
    for (size_t i = 0; i < r->n_errors; i++)
        row_failed(im, (long)r->errors[i]->line,
                   wh_status_name(wh_status_from_proto((int)r->errors[i]->status)),
                   r->errors[i]->field ? r->errors[i]->field : "",
                   r->errors[i]->message ? r->errors[i]->message : "");
}

static void slot_free(roster_import *im, size_t k)
{
    protobuf_c_message_free_unpacked(&im->slots[k].block->base, NULL);
    im->slots[k] = im->slots[--im->n_flight];
}

/* Waits for one reply (or a timeout: reconnect and resend everything in flight). */
static void receive_one(roster_import *im)
{
    ProtobufCMessage *reply = NULL;
    whc_error err;
    char id[37];
    int rc = whc_recv(im->c, im->timeout_ms, &welfare__intake__v1__import_enrolment_block_reply__descriptor,
                      &reply, id, &err);
    size_t k = 0;
    while (k < im->n_flight && strcmp(im->slots[k].id, id) != 0)
        k++;
    if (rc == WH_UNAVAILABLE &&
        (id[0] == '\0' || (k < im->n_flight && im->slots[k].attempts <= im->retries))) {
        whc_reset(im->c);
        for (size_t i = 0; i < im->n_flight;) {
            in_flight *s = &im->slots[i];
            if (s->attempts++ > im->retries) {
                fprintf(stderr, "lines %ld-%ld: UNAVAILABLE: no reply from intake\n", s->first_line,
                        s->last_line);
                im->failed += (long)s->block->n_rows;
                slot_free(im, i);
                continue;
            }
            whc_send_id(im->c, s->id, &s->block->base);
            i++;
        }
        return;
    }
    if (k == im->n_flight) { /* a late reply to a block settled already */
        if (reply)
            protobuf_c_message_free_unpacked(reply, NULL);
        return;
    }
    if (rc != 0) {
        fprintf(stderr, "lines %ld-%ld: %s%s%s%s: %s\n", im->slots[k].first_line, im->slots[k].last_line,
                wh_status_name(rc), err.field[0] ? " (" : "", err.field, err.field[0] ? ")" : "",
                err.message);
        im->failed += (long)im->slots[k].block->n_rows;
    } else
        block_settled(im, (const void *)reply);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    slot_free(im, k);
}

static void block_send(roster_import *im)
{
    Welfare__Intake__V1__ImportEnrolmentBlock *b = im->block;
    unsigned char h[16];
    if (!b)
        return;
    im->block = NULL;
    if (im->check) {
        protobuf_c_message_free_unpacked(&b->base, NULL);
        return;
    }
    while (im->n_flight >= im->jobs)
        receive_one(im);
    b->block_no = im->block_no++;
    crypto_generichash_update(&im->hash, (const unsigned char *)&b->block_no, sizeof b->block_no);
    crypto_generichash_final(&im->hash, h, sizeof h);
    in_flight *s = &im->slots[im->n_flight++];
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x80); /* a UUID, version 8 (custom) */
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    for (int i = 0, o = 0; i < 16; i++) {
        o += snprintf(s->id + o, sizeof s->id - (size_t)o, "%s%02x",
                      i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", h[i]);
    }
    s->first_line = (long)b->rows[0]->line;
    s->last_line = (long)b->rows[b->n_rows - 1]->line;
    s->attempts = 1;
    s->block = b;
    whc_send_id(im->c, s->id, &b->base);
}

/* A row's id: a hash of the header, its line and its cells (as `import referrals` makes it), so intake
 * answers a row applied before "already imported" in whatever block it comes again. */
static char *row_id(const roster_import *im, long line, char *const *cells)
{
    crypto_generichash_state st;
    unsigned char h[16];
    char text[37];

    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, im->header_hash, sizeof im->header_hash);
    crypto_generichash_update(&st, (const unsigned char *)&line, sizeof line);
    for (size_t i = 0; i < im->n_cols; i++)
        crypto_generichash_update(&st, (const unsigned char *)cells[i], strlen(cells[i]) + 1);
    crypto_generichash_final(&st, h, sizeof h);
    wctl_uuid_text(h, text);
    return strdup(text);
}

static int block_add(roster_import *im, long line, Welfare__Intake__V1__EnrolmentRow *e, char **cells)
{
    Welfare__Intake__V1__ImportEnrolmentRow *row = malloc(sizeof *row);
    if (!row)
        return -1;
    welfare__intake__v1__import_enrolment_row__init(row);
    row->line = line;
    row->enrolment = e;
    if (!(row->row_id = row_id(im, line, cells))) {
        protobuf_c_message_free_unpacked(&row->base, NULL);
        return -1;
    }
    size_t bytes = protobuf_c_message_get_packed_size(&row->base) + 8;
    if (im->block && (im->block->n_rows >= im->block_rows || im->block_bytes + bytes > ROSTER_MAX_BYTES))
        block_send(im);
    if (!im->block) {
        im->block = malloc(sizeof *im->block);
        if (!im->block || !(im->import_id[0])) {
            free(row);
            return -1;
        }
        welfare__intake__v1__import_enrolment_block__init(im->block);
        im->block->import_id = strdup(im->import_id);
        im->block_cap = im->block_bytes = 0;
        crypto_generichash_init(&im->hash, NULL, 0, 16);
        crypto_generichash_update(&im->hash, im->header_hash, sizeof im->header_hash);
    }
    Welfare__Intake__V1__ImportEnrolmentRow **rows =
        wh_grow(im->block->rows, &im->block_cap, im->block->n_rows + 1, sizeof *rows, 256);
    if (!rows) {
        protobuf_c_message_free_unpacked(&row->base, NULL);
        return -1;
    }
    im->block->rows = rows;
    im->block->rows[im->block->n_rows++] = row;
    im->block_bytes += bytes;
    crypto_generichash_update(&im->hash, (const unsigned char *)&line, sizeof line);
    for (size_t i = 0; i < im->n_cols; i++)
        crypto_generichash_update(&im->hash, (const unsigned char *)cells[i], strlen(cells[i]) + 1);
    return 0;
}

static int import_rows(roster_import *im, wctl_csv *csv, char *const *maps, size_t n_maps)
{
    char **fields, err[200];
    size_t n;
    long line;
    int rc = wctl_csv_next(csv, &fields, &n, &line, err, sizeof err);
    if (rc <= 0) {
        fprintf(stderr, "error: line 1: %s\n", rc < 0 ? err : "no header line");
        return 2;
    }
    if (read_header(im, fields, n, maps, n_maps) != 0)
        return 2;
    while ((rc = wctl_csv_next(csv, &fields, &n, &line, err, sizeof err)) != 0) {
        if (rc < 0) {
            im->rows++;
            row_failed(im, line, "MALFORMED", "", err);
            break; /* an unterminated quote swallows the rest of the file */
        }
        if (n == 1 && fields[0][0] == '\0')
            continue;
        im->rows++;
        if (n != im->n_cols) {
            snprintf(err, sizeof err, "%zu cells, the header has %zu", n, im->n_cols);
            row_failed(im, line, "MALFORMED", "", err);
            continue;
        }
        Welfare__Intake__V1__EnrolmentRow *e = row_message(im, line, fields);
        if (!e)
            continue;
        if (im->check)
            im->ok++;
        if (block_add(im, line, e, fields) != 0) {
            fprintf(stderr, "error: out of memory\n");
            return 1;
        }
    }
    block_send(im);
    while (im->n_flight > 0)
        receive_one(im);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void summary(const roster_import *im, double secs)
{
    if (wctl_json_output) {
        printf("{\"rows\": %ld, \"ok\": %ld, \"failed\": %ld, \"enrolments_added\": %ld, "
               "\"enrolments_changed\": %ld, \"persons_added\": %ld, \"targets_changed\": %ld, "
               "\"already_imported\": %ld, \"seconds\": %.3f}\n",
               im->rows, im->ok, im->failed, im->added, im->changed, im->persons_added, im->targets_changed,
               im->already, secs);
        return;
    }
    printf(
        "%s %ld roster rows in %.1f s (%.0f rows/s): %ld ok (%ld already imported, no change), %ld failed; "
        "%ld enrolments added, %ld changed, %ld new persons, %ld persons' target spells changed\n",
        im->check ? "checked" : "imported", im->rows, secs, secs > 0 ? (double)im->rows / secs : 0.0, im->ok,
        im->already, im->failed, im->added, im->changed, im->persons_added, im->targets_changed);
}

static int usage(int rc)
{
    fputs(
        "usage: welfarectl import roster FILE.csv [--map COLUMN=PATH]... [--block-rows N] [--jobs N] "
        "[--check] "
        "[--json]\n"
        "  FILE.csv        header of EnrolmentRow field paths (person.rrn, person.name, household.address,\n"
        "                  household.dong_code, programme, start_on, end_on, exit_reason) or the national\n"
        "                  list's headers (주민등록번호, 성명, 주소, 행정동코드, 사업코드, 시작일, 종료일, "
        "중지사유); - for stdin\n"
        "  --map C=PATH    read column C as PATH (PATH - skips it); repeatable\n"
        "  --block-rows N  rows per ImportEnrolmentBlock (default 2000, at most 10000; blocks stop at 900 "
        "kB)\n"
        "  --jobs N        blocks in flight (default 4)\n"
        "  --check         parse the rows only; send nothing\n"
        "  programmes: welfarectl intake list-programmes\n",
        rc == 0 ? stdout : stderr);
    return rc;
}

int wctl_cmd_import_roster(int argc, char **argv)
{
    roster_import im = {.block_rows = ROSTER_BLOCK_ROWS, .jobs = 4};
    char *maps[ROSTER_MAX_MAPS];
    size_t n_maps = 0;
    whc_options opt = whc_options_from_env();
    if (argc < 1 || argv[0][0] == '\0' || strcmp(argv[0], "--help") == 0)
        return usage(argc > 0 ? 0 : 2);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--map") == 0 && i + 1 < argc && strchr(argv[i + 1], '=') &&
            n_maps < ROSTER_MAX_MAPS)
            maps[n_maps++] = argv[++i];
        else if (strcmp(argv[i], "--block-rows") == 0 && i + 1 < argc)
            im.block_rows = (size_t)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
            im.jobs = (size_t)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--check") == 0)
            im.check = true;
        else
            return usage(strcmp(argv[i], "--help") == 0 ? 0 : 2);
    }
    if (im.block_rows < 1 || im.block_rows > ROSTER_MAX_ROWS || im.jobs < 1 || im.jobs > ROSTER_MAX_JOBS) {
        fprintf(stderr,
                "error: --block-rows must be 1..%d and --jobs 1..%d (a service holds at most %d commands "
                "of one connection at once)\n",
                ROSTER_MAX_ROWS, ROSTER_MAX_JOBS, ROSTER_MAX_JOBS);
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    FILE *in = strcmp(argv[0], "-") == 0 ? stdin : fopen(argv[0], "r");
    if (!in) {
        perror(argv[0]);
        return 1;
    }
    im.timeout_ms =
        getenv("WH_TIMEOUT_MS") || getenv("WH_TIMEOUT_MS_FILE") ? opt.timeout_ms : ROSTER_TIMEOUT_MS;
    im.retries = opt.retries >= 0 ? opt.retries : 2;
    im.slots = calloc(im.jobs, sizeof *im.slots);
    wctl_csv *csv = wctl_csv_open(in);
    int rc = 1;
    double started = now_s();
    if (im.slots && csv && (im.check || wctl_connect(&im.c, "intake") == 0))
        rc = import_rows(&im, csv, maps, n_maps);
    if (rc == 0) {
        summary(&im, now_s() - started);
        rc = im.failed > 0 ? 1 : 0;
    }
    if (im.block)
        protobuf_c_message_free_unpacked(&im.block->base, NULL);
    while (im.n_flight > 0)
        slot_free(&im, 0);
    for (size_t i = 0; im.paths && i < im.n_cols; i++)
        free(im.paths[i]);
    free(im.paths);
    free(im.slots);
    wctl_csv_close(&csv);
    whc_close(&im.c);
    if (in != stdin)
        fclose(in);
    return rc;
}
