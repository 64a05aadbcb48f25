/*
 * import.c — `welfarectl import referrals FILE.csv [--jobs N] [--block-rows N] [--row-by-row]`: streams a
 * CSV of referrals into intake in blocks (ImportReferralBlock, up to 2,000 rows and 900 kB a block, N
 * blocks in flight on one connection, default 4), or with --row-by-row one SubmitReferral per row (N
 * commands in flight, default 64).  Intake hashes and seals the rows: this tool never holds the PII key.
 *
 * The header line names each column by its SubmitReferral field path — the same paths as the flags
 * (`channel`, `reported_on`, `household.address`, `persons.0.name`, `risk.lives_alone`, …), so the
 * layout follows the proto with no code here.  Empty cells are left unset; the persons of a row are
 * numbered in the order their first non-empty cell appears, so a row may fill persons.0 and
 * persons.2 and send two persons.
 *
 * --check runs intake's own checks on every row offline (import_check.c) and sends nothing; the real
 * import runs the same checks first and never sends a row that fails them, so both report the same
 * rows.  --rejects FILE writes the failed rows with their error in a last column, to fix and import
 * again.  The file is read whole as UTF-8 (import_input.c: a BOM, CP949/EUC-KR by detection or
 * --encoding); headings may be the Korean ones of `welfarectl import template referrals`.  Progress
 * counts rows intake has answered, and says when it is waiting for intake.
 *
 * A bad row (unparsable value, invalid UTF-8, wrong number of cells, or an error of that row in the
 * reply) is reported on stderr with its line number and does not stop the import.  Each row's id is a
 * hash of the file's header, the row and its line number, a block's id a hash of the header, its
 * number and its rows' ids, so importing the same file again (with the same --block-rows) does not
 * submit anything twice: the service answers repeats from its stored replies.  Each row travels with
 * its id (ImportRow.row_id), so when a block did change, intake still answers its unchanged rows
 * "already imported" one by one and stores only the new ones.  Timeouts reconnect and
 * resend the commands in flight with their ids (WH_RETRIES times).
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wctl.h"
#include "welfare/intake/v1/commands.pb-c.h"
#include "wh/status.h"
#include "wh/util.h"
#include "whclient.h"

#define DEFAULT_JOBS       64
#define DEFAULT_BLOCK_JOBS 4
#define MAX_INDEX          32
#define DEFAULT_BLOCK_ROWS 2000
#define MAX_BLOCK_ROWS     10000  /* intake's INTAKE_BLOCK_MAX_ROWS */
#define MAX_BLOCK_BYTES    900000 /* under the bus's 1 MiB frame limit with the envelope */
#define BLOCK_TIMEOUT_MS   60000  /* a block is seconds of work on a loaded machine */

typedef struct slot {
    bool used;
    char id[37];
    long line, last_line; /* a block's first and last line */
    long n_rows;          /* rows of a block */
    char (*row_ids)[37];  /* a block's rows' ids, for sending them one by one after all */
    int attempts;
    ProtobufCMessage *request;
} slot;

typedef struct importer {
    whc *c;
    slot *slots;
    size_t jobs, in_flight;
    slot **index; /* open addressing by message id, 4 × jobs (a power of two) */
    size_t index_mask;
    slot **free_slots; /* a stack of unused slots */
    size_t n_free;
    int timeout_ms, retries;
    long rows, ok, failed, new_households, blind_spots;
    long total_rows;  /* rows in the file, for the percentage */
    long repeated;    /* rows answered from replies stored before this run: already imported */
    long changed;     /* rows refused as changed since an earlier import under the same id */
    int last_decile;  /* plain mode: the last 10% step printed */
    double waiting;   /* seconds since the last reply while something is in flight */
    const char *hint; /* the input's encoding hint for invalid UTF-8 */
    char **paths;     /* per column: its field path, NULL when skipped */
    size_t n_paths;
    struct failure {
        long line;
        char *text; /* "STATUS (field): message" */
    } * failures;   /* for --rejects */
    size_t n_failures, cap_failures;
    bool keep_failures;
    FILE *in;
    double started;
    double last_draw;
    bool tty;
    bool check;      /* --check: parse and validate only, send nothing */
    bool row_by_row; /* --row-by-row: one SubmitReferral per row */
    /* the block being filled */
    size_t block_rows;
    Welfare__Intake__V1__ImportReferralBlock *block;
    size_t block_cap, block_bytes;
    long block_no;
    crypto_generichash_state block_hash;
    char import_id[65];
    char (*block_row_ids)[37];
    size_t blocks_in_flight;
    /* rows of refused blocks, to send one by one in their order (see switch_to_rows) */
    struct pending {
        ProtobufCMessage *request;
        char id[37];
        long line;
    } * pending;
    size_t n_pending, cap_pending;
    bool failed_memory;
} importer;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Progress by rows answered (stored or failed) of the file's rows: a bar on a terminal, redrawn at
 * most 10 times a second, with "waiting for intake" while no reply has come for a second; otherwise
 * one plain line per 10%. */
static void progress(importer *im, bool final)
{
    double t = now_s(), elapsed = t - im->started, rate, frac = 0, eta = 0;
    long done = im->ok + im->failed;
    int bar = 30, fill;
    char state[48] = "";

    if (im->check || (im->tty && !final && t - im->last_draw < 0.1))
        return;
    if (im->total_rows > 0)
        frac = (double)done / (double)im->total_rows;
    if (frac > 1 || final)
        frac = final && im->total_rows > 0 ? (double)done / (double)im->total_rows : frac > 1 ? 1 : frac;
    rate = elapsed > 0 ? (double)done / elapsed : 0;
    if (rate > 0 && im->total_rows > done)
        eta = (double)(im->total_rows - done) / rate;
    if (!im->tty) {
        int decile = (int)(frac * 10);

        if (decile <= im->last_decile || done == 0)
            return;
        im->last_decile = decile;
        fprintf(stderr, "import: %3d%%  %ld of %ld rows  %ld failed  %.0f rows/s  ETA %d:%02d\n", decile * 10,
                done, im->total_rows, im->failed, rate, (int)eta / 60, (int)eta % 60);
        return;
    }
    im->last_draw = t;
    if (im->waiting >= 1 && !final)
        snprintf(state, sizeof state, "waiting for intake %.0f s", im->waiting);
    else
        snprintf(state, sizeof state, "ETA %d:%02d", (int)eta / 60, (int)eta % 60);
    fill = (int)(frac * bar);
    fprintf(stderr, "\r\033[K[%.*s%*s] %3.0f%%  %ld/%ld rows  %ld failed  %.0f rows/s  %s", fill,
            "##############################", bar - fill, "", frac * 100, done, im->total_rows, im->failed,
            rate, state);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

/* Keeps a failed row's line and error for the rejects file. */
static void failure_keep(importer *im, long line, const char *status, const char *field, const char *message)
{
    char text[512];

    if (!im->keep_failures)
        return;
    struct failure *f = wh_grow(im->failures, &im->cap_failures, im->n_failures + 1, sizeof *f, 256);
    if (!f)
        return;
    im->failures = f;
    snprintf(text, sizeof text, "%s%s%s%s: %s", status, field[0] ? " (" : "", field, field[0] ? ")" : "",
             message);
    im->failures[im->n_failures].line = line;
    im->failures[im->n_failures].text = strdup(text);
    im->n_failures++;
}

/* Prints a row's failure on its own line (clearing the progress bar first). */
static void row_error(importer *im, long line, const char *status, const char *field, const char *message)
{
    if (im->tty)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "line %ld: %s%s%s%s: %s\n", line, status, field[0] ? " (" : "", field,
            field[0] ? ")" : "", message);
    failure_keep(im, line, status, field, message);
    im->failed++;
}

/* Every row of a block failed as one (the whole command's error, or no reply). */
static void block_error(importer *im, const slot *s, const char *status, const char *field,
                        const char *message)
{
    if (im->tty)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "lines %ld-%ld: %s%s%s%s: %s\n", s->line, s->last_line, status, field[0] ? " (" : "",
            field, field[0] ? ")" : "", message);
    const Welfare__Intake__V1__ImportReferralBlock *b = (const void *)s->request;
    for (size_t i = 0; b != NULL && i < b->n_rows; i++)
        failure_keep(im, (long)b->rows[i]->line, status, field, message);
    im->failed += s->n_rows;
}

#define CHANGED_SINCE_IMPORTED                                                                               \
    "changed since an earlier import of this file under the same id: not stored (import the changed rows "   \
    "as a new file, e.g. the --rejects file)"

/* A failed try of a command: a block's rows or one row.  ALREADY_EXISTS on message_id (or a row's
 * row_id) means the id was imported before with other bytes (the row's content, or how it is
 * encoded, changed): said so. */
static void command_error(importer *im, const slot *s, const char *status, const char *field,
                          const char *message)
{
    if (strcmp(status, "ALREADY_EXISTS") == 0 &&
        (strcmp(field, "message_id") == 0 || strcmp(field, "row_id") == 0)) {
        im->changed += s->n_rows > 0 ? s->n_rows : 1;
        message = CHANGED_SINCE_IMPORTED;
    }
    if (s->n_rows > 0)
        block_error(im, s, status, field, message);
    else
        row_error(im, s->line, status, field, message);
}

/* A UUID-shaped text of 16 hash bytes (version 8: custom). */
void wctl_uuid_text(unsigned char h[16], char out[37])
{
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x80);
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1],
             h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

/* The row's message id: a hash of header, line and cells, laid out as a UUID. */
static void row_id(const char *header_hash, long line, char *const *cells, size_t n, char out[37])
{
    crypto_generichash_state st;
    unsigned char h[16];

    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)header_hash, strlen(header_hash));
    crypto_generichash_update(&st, (const unsigned char *)&line, sizeof line);
    for (size_t i = 0; i < n; i++)
        crypto_generichash_update(&st, (const unsigned char *)cells[i], strlen(cells[i]) + 1);
    crypto_generichash_final(&st, h, sizeof h);
    wctl_uuid_text(h, out);
}

static bool utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        int n = *p < 0x80             ? 0
                : (*p & 0xe0) == 0xc0 ? 1
                : (*p & 0xf0) == 0xe0 ? 2
                : (*p & 0xf8) == 0xf0 ? 3
                                      : -1;

        if (n < 0 || (n == 1 && *p < 0xc2))
            return false;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xc0) != 0x80)
                return false;
    }
    return true;
}

/* Rewrites "persons.K.rest" so that the row's K-th used index becomes the next element number. */
static void renumber(const char *path, int map[MAX_INDEX], int *next, char *out, size_t n)
{
    const char *dot = strchr(path, '.');
    char *end = NULL;
    long k;

    snprintf(out, n, "%s", path);
    if (dot == NULL || dot[1] < '0' || dot[1] > '9')
        return;
    k = strtol(dot + 1, &end, 10);
    if (k < 0 || k >= MAX_INDEX)
        return;
    if (map[k] < 0)
        map[k] = (*next)++;
    snprintf(out, n, "%.*s.%d%s", (int)(dot - path), path, map[k], end);
}

/* Builds the row's request; NULL after reporting why. */
static ProtobufCMessage *row_request(importer *im, long line, char **cells, size_t n)
{
    ProtobufCMessage *m = wctl_message_new(&welfare__intake__v1__submit_referral__descriptor);
    int map[MAX_INDEX], next = 0;
    char err[300], path[256];
    wctl_row_failure f;

    memset(map, -1, sizeof map);
    for (size_t i = 0; i < n && m != NULL; i++) {
        if (cells[i][0] == '\0' || im->paths[i] == NULL)
            continue;
        if (!utf8_ok(cells[i])) {
            snprintf(err, sizeof err, "not valid UTF-8%s", im->hint ? im->hint : "");
            row_error(im, line, "INVALID_ARGUMENT", im->paths[i], err);
            goto fail;
        }
        renumber(im->paths[i], map, &next, path, sizeof path);
        if (wctl_field_add(m, path, cells[i], err, sizeof err) != 0) {
            row_error(im, line, "INVALID_ARGUMENT", im->paths[i], err);
            goto fail;
        }
    }
    if (m != NULL && wctl_referral_check(m, &f) != 0) {
        row_error(im, line, wh_status_name(f.status), f.field, f.message);
        goto fail;
    }
    return m;
fail:
    protobuf_c_message_free_unpacked(m, NULL);
    return NULL;
}

/* Message ids are hashes or random UUIDs, so their first hex digits make a good hash. */
static size_t id_hash(const char *id)
{
    size_t h = 0;

    for (int i = 0; i < 8 && id[i] != '\0'; i++)
        h = h * 31 + (unsigned char)id[i];
    return h;
}

static size_t index_of(const importer *im, const char *id)
{
    size_t i = id_hash(id) & im->index_mask;

    while (im->index[i] != NULL && strcmp(im->index[i]->id, id) != 0)
        i = (i + 1) & im->index_mask;
    return i;
}

static slot *slot_find(importer *im, const char *id)
{
    return im->index[index_of(im, id)];
}

/* Removes a slot from the index, moving later entries of its probe run back (no tombstones). */
static void index_remove(importer *im, const char *id)
{
    size_t i = index_of(im, id), j = i;

    if (im->index[i] == NULL)
        return;
    im->index[i] = NULL;
    for (;;) {
        size_t home;

        j = (j + 1) & im->index_mask;
        if (im->index[j] == NULL)
            return;
        home = id_hash(im->index[j]->id) & im->index_mask;
        /* move it back when its home is not within (i, j] */
        if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
            im->index[i] = im->index[j];
            im->index[j] = NULL;
            i = j;
        }
    }
}

static void slot_release(importer *im, slot *s)
{
    if (s->n_rows > 0)
        im->blocks_in_flight--;
    free(s->row_ids);
    index_remove(im, s->id);
    protobuf_c_message_free_unpacked(s->request, NULL);
    memset(s, 0, sizeof *s);
    im->free_slots[im->n_free++] = s;
    im->in_flight--;
}

/* Sends a row or block in a free slot; the slot, or NULL (cannot happen: the window is checked
 * first). */
static slot *send_row(importer *im, const char *id, long line, ProtobufCMessage *req, long last_line,
                      long n_rows)
{
    slot *s;

    if (im->n_free == 0 || slot_find(im, id) != NULL) {
        protobuf_c_message_free_unpacked(req, NULL);
        return NULL;
    }
    s = im->free_slots[--im->n_free];
    s->used = true;
    snprintf(s->id, sizeof s->id, "%s", id);
    s->line = line;
    s->last_line = last_line;
    s->n_rows = n_rows;
    s->row_ids = NULL;
    if (n_rows > 0)
        im->blocks_in_flight++;
    s->request = req;
    s->attempts = 1;
    im->index[index_of(im, id)] = s;
    im->in_flight++;
    whc_send_id(im->c, id, req); /* a failed send is a timeout, resent by resend_all */
    return s;
}

static int slots_init(importer *im)
{
    size_t cap = 8;

    while (cap < im->jobs * 4)
        cap *= 2;
    im->slots = calloc(im->jobs, sizeof *im->slots);
    im->free_slots = calloc(im->jobs, sizeof *im->free_slots);
    im->index = calloc(cap, sizeof *im->index);
    im->index_mask = cap - 1;
    if (im->slots == NULL || im->free_slots == NULL || im->index == NULL)
        return -1;
    for (size_t i = im->jobs; i > 0; i--)
        im->free_slots[im->n_free++] = &im->slots[i - 1];
    return 0;
}

/* After a timeout: a fresh socket, and every row in flight resent with its id (or given up). */
static void resend_all(importer *im)
{
    whc_reset(im->c);
    for (size_t i = 0; i < im->jobs; i++) {
        slot *s = &im->slots[i];

        if (!s->used)
            continue;
        if (s->attempts > im->retries) {
            command_error(im, s, "UNAVAILABLE", "", "no reply from intake");
            slot_release(im, s);
            continue;
        }
        s->attempts++;
        whc_send_id(im->c, s->id, s->request);
    }
}

/* A reply intake stored when an earlier import sent the same command — the same id (the same header,
 * line and row text) and the same payload digest — and answered again now (Envelope.replayed): the
 * rows were imported then, and nothing changed.  Judged by content, not by clocks. */
static bool answered_before(const importer *im)
{
    return whc_reply_replayed(im->c);
}

/* Settles a block from its reply.  Rows are "already imported" when the whole block was answered
 * before, or — in a new block — when intake lists them in already_imported_rows: each row carries its
 * own id, so a block with one changed row stores only what is new.  ALREADY_EXISTS on row_id: the
 * row's id was stored with another referral (the same row encoded differently): changed, not stored. */
static void block_done(importer *im, const slot *s, const Welfare__Intake__V1__ImportReferralBlockReply *r)
{
    im->ok += r->rows_ok;
    if (answered_before(im)) {
        im->repeated += r->rows_ok;
    } else {
        im->repeated += (long)r->n_already_imported_rows;
        im->new_households += r->new_households;
        im->blind_spots += r->blind_spots;
    }
    for (size_t i = 0; i < r->n_errors; i++) {
        const Welfare__Intake__V1__ImportRowError *e = r->errors[i];
        const char *status = wh_status_name(wh_status_from_proto((int)e->status));
        const char *field = e->field ? e->field : "", *message = e->message ? e->message : "";

        if (strcmp(status, "ALREADY_EXISTS") == 0 && strcmp(field, "row_id") == 0) {
            im->changed++;
            message = CHANGED_SINCE_IMPORTED;
        }
        row_error(im, (long)e->line, status, field, message);
    }
}

/* Queues a row to send on its own (after the blocks in flight have come back). */
static void pending_push(importer *im, ProtobufCMessage *req, const char *id, long line)
{
    struct pending *p = wh_grow(im->pending, &im->cap_pending, im->n_pending + 1, sizeof *p, 1024);
    if (!p) {
        im->failed_memory = true;
        row_error(im, line, "INTERNAL", "", "out of memory");
        protobuf_c_message_free_unpacked(req, NULL);
        return;
    }
    im->pending = p;
    im->pending[im->n_pending].request = req;
    snprintf(im->pending[im->n_pending].id, sizeof im->pending[0].id, "%s", id);
    im->pending[im->n_pending].line = line;
    im->n_pending++;
}

/* Moves a block's rows to the pending queue (the block itself is freed without them). */
static void unblock(importer *im, Welfare__Intake__V1__ImportReferralBlock *b, char (*row_ids)[37])
{
    for (size_t i = 0; i < b->n_rows; i++) {
        pending_push(im, &b->rows[i]->referral->base, row_ids[i], (long)b->rows[i]->line);
        b->rows[i]->referral = NULL;
    }
}

/* Intake refused ImportReferralBlock to this principal (an agency granted SubmitReferral only): the
 * import goes on row by row, this block's rows and every later one's in file order. */
static void switch_to_rows(importer *im, slot *s)
{
    if (!im->row_by_row) {
        if (im->tty)
            fputs("\r\033[K", stderr);
        fputs("note: intake refused ImportReferralBlock (PERMISSION_DENIED); importing row by row\n", stderr);
        im->row_by_row = true;
    }
    unblock(im, (Welfare__Intake__V1__ImportReferralBlock *)s->request, s->row_ids);
}

static void receive_one(importer *im);

/* A row sent alone carries its id as SubmitReferral.row_id (the id it has in a block): intake records
 * it with the blocks' rows, so the row is "already imported" whichever way the file comes again. */
static int with_row_id(ProtobufCMessage *req, const char *id)
{
    Welfare__Intake__V1__SubmitReferral *m = (Welfare__Intake__V1__SubmitReferral *)req;
    char *copy = strdup(id);

    if (copy == NULL)
        return -1;
    if (m->row_id != NULL && m->row_id != protobuf_c_empty_string)
        free(m->row_id);
    m->row_id = copy;
    return 0;
}

/* After a switch to rows: once no block is in flight, the refused blocks' rows (and the block being
 * filled) go out one by one, in order, before any later row. */
static void send_pending(importer *im)
{
    while (im->blocks_in_flight > 0)
        receive_one(im);
    if (im->block != NULL) {
        unblock(im, im->block, im->block_row_ids);
        protobuf_c_message_free_unpacked(&im->block->base, NULL);
        im->block = NULL;
        free(im->block_row_ids);
        im->block_row_ids = NULL;
    }
    for (size_t i = 0; i < im->n_pending; i++) {
        struct pending *p = &im->pending[i];

        while (im->in_flight >= im->jobs)
            receive_one(im);
        if (with_row_id(p->request, p->id) != 0) {
            row_error(im, p->line, "INTERNAL", "", "out of memory");
            protobuf_c_message_free_unpacked(p->request, NULL);
            continue;
        }
        send_row(im, p->id, p->line, p->request, p->line, 0);
        progress(im, false);
    }
    im->n_pending = 0;
}

/* Waits for one reply and settles its row or block. */
static void receive_one(importer *im)
{
    ProtobufCMessage *reply = NULL;
    whc_error err;
    char id[37];
    slot *s;
    double since = now_s();
    int rc;

    /* short waits, so the progress line can say that intake is being waited for */
    for (;;) {
        int left = im->timeout_ms - (int)((now_s() - since) * 1000);

        rc = whc_recv(im->c, left < 200 ? (left > 0 ? left : 0) : 200,
                      im->row_by_row ? &welfare__intake__v1__submit_referral_reply__descriptor
                                     : &welfare__intake__v1__import_referral_block_reply__descriptor,
                      &reply, id, &err);
        if (!(rc == WH_UNAVAILABLE && id[0] == '\0') || left <= 200)
            break;
        im->waiting = now_s() - since;
        progress(im, false);
    }
    im->waiting = 0;
    if (rc == WH_UNAVAILABLE && id[0] == '\0') {
        resend_all(im);
        return;
    }
    s = slot_find(im, id);
    if (s == NULL) { /* a late reply to a command already settled */
        if (reply != NULL)
            protobuf_c_message_free_unpacked(reply, NULL);
        return;
    }
    if (rc == WH_UNAVAILABLE && s->attempts <= im->retries) {
        s->attempts++;
        whc_send_id(im->c, s->id, s->request);
        return;
    }
    if (rc == WH_PERMISSION_DENIED && s->n_rows > 0) {
        switch_to_rows(im, s); /* a principal granted SubmitReferral only */
    } else if (rc != 0) {
        command_error(im, s, wh_status_name(rc), err.field, err.message);
    } else if (s->n_rows == 0) {
        const Welfare__Intake__V1__SubmitReferralReply *r = (const void *)reply;
        im->ok++;
        if (answered_before(im) || r->already_imported) { /* its row id stored before, alone or in a block */
            im->repeated++;
        } else {
            im->new_households += r->is_new;
            im->blind_spots += r->blind_spot;
        }
    } else {
        block_done(im, s, (const void *)reply);
    }
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
    slot_release(im, s);
}

/* Sends the block being filled (if any rows) and starts the next. */
static void block_flush(importer *im)
{
    Welfare__Intake__V1__ImportReferralBlock *b = im->block;
    unsigned char h[16];
    char id[37];

    if (b == NULL || b->n_rows == 0)
        return;
    while (im->in_flight >= im->jobs && !im->row_by_row)
        receive_one(im);
    if (im->row_by_row) { /* refused while waiting: the rows go one by one */
        send_pending(im);
        return;
    }
    crypto_generichash_update(&im->block_hash, (const unsigned char *)&im->block_no, sizeof im->block_no);
    crypto_generichash_final(&im->block_hash, h, sizeof h);
    wctl_uuid_text(h, id);
    b->block_no = im->block_no++;
    slot *s = send_row(im, id, (long)b->rows[0]->line, &b->base, (long)b->rows[b->n_rows - 1]->line,
                       (long)b->n_rows);
    if (s != NULL)
        s->row_ids = im->block_row_ids;
    else
        free(im->block_row_ids);
    im->block_row_ids = NULL;
    im->block = NULL;
}

/* Adds a row's request to the block (sending the block first when the row would not fit). */
static int block_add(importer *im, const char *row_id, long line, ProtobufCMessage *req)
{
    Welfare__Intake__V1__ImportRow *row = malloc(sizeof *row);
    size_t bytes;

    if (row == NULL) {
        protobuf_c_message_free_unpacked(req, NULL);
        return -1;
    }
    welfare__intake__v1__import_row__init(row);
    row->line = line;
    row->referral = (Welfare__Intake__V1__SubmitReferral *)req;
    row->row_id = strdup(row_id); /* intake stores each row once under it, whatever block it comes in */
    if (row->row_id == NULL) {
        protobuf_c_message_free_unpacked(&row->base, NULL);
        return -1;
    }
    bytes = protobuf_c_message_get_packed_size(&row->base) + 8;
    if (im->block != NULL &&
        (im->block->n_rows >= im->block_rows || im->block_bytes + bytes > MAX_BLOCK_BYTES))
        block_flush(im);
    if (im->block == NULL) {
        char *import_id = strdup(im->import_id);

        im->block = malloc(sizeof *im->block);
        if (im->block == NULL || import_id == NULL) {
            free(im->block);
            free(import_id);
            im->block = NULL;
            protobuf_c_message_free_unpacked(&row->base, NULL);
            return -1;
        }
        welfare__intake__v1__import_referral_block__init(im->block);
        im->block->import_id = import_id;
        im->block_cap = 0;
        im->block_bytes = 0;
        crypto_generichash_init(&im->block_hash, NULL, 0, 16);
        crypto_generichash_update(&im->block_hash, (const unsigned char *)im->import_id,
                                  strlen(im->import_id));
    }
    size_t need = im->block->n_rows + 1, cap_rows = im->block_cap, cap_ids = im->block_cap;
    Welfare__Intake__V1__ImportRow **rows = wh_grow(im->block->rows, &cap_rows, need, sizeof *rows, 256);
    char(*ids)[37] = rows ? wh_grow(im->block_row_ids, &cap_ids, need, sizeof *ids, 256) : NULL;

    if (rows)
        im->block->rows = rows;
    if (!ids) {
        protobuf_c_message_free_unpacked(&row->base, NULL);
        return -1;
    }
    im->block_row_ids = ids;
    im->block_cap = cap_ids; /* the two grew alike */
    snprintf(im->block_row_ids[im->block->n_rows], sizeof im->block_row_ids[0], "%s", row_id);
    im->block->rows[im->block->n_rows++] = row;
    im->block_bytes += bytes;
    crypto_generichash_update(&im->block_hash, (const unsigned char *)row_id, strlen(row_id));
    return 0;
}

/* Maps each heading to its field path (Korean headings through import_headers.c) and checks it. */
static int check_header(importer *im, char **header, size_t n)
{
    im->paths = calloc(n + 1, sizeof *im->paths);
    im->n_paths = im->paths != NULL ? n : 0;
    for (size_t i = 0; im->paths != NULL && i < n; i++) {
        char path[256], built[128];
        int map[MAX_INDEX], next = 0;
        const char *mapped = wctl_referral_heading_path(header[i], built, sizeof built);

        if (mapped == NULL)
            continue; /* the rejects file's error column */
        if ((im->paths[i] = strdup(mapped)) == NULL)
            return -1;
        memset(map, -1, sizeof map);
        renumber(mapped, map, &next, path, sizeof path);
        if (wctl_field_path_check(&welfare__intake__v1__submit_referral__descriptor, path) != 0) {
            fprintf(stderr,
                    "error: line 1: column %zu \"%s\" is not a SubmitReferral field nor a heading of the "
                    "template (see: welfarectl import template referrals --list)\n",
                    i + 1, header[i]);
            return -1;
        }
    }
    return im->paths != NULL ? 0 : -1;
}

static char **copy_fields(char **f, size_t n)
{
    char **c = calloc(n + 1, sizeof *c);

    for (size_t i = 0; c != NULL && i < n; i++)
        c[i] = strdup(f[i]);
    return c;
}

static void free_fields(char **f)
{
    for (size_t i = 0; f != NULL && f[i] != NULL; i++)
        free(f[i]);
    free(f);
}

static void header_hash(char **header, size_t n, char out[65])
{
    crypto_generichash_state st;
    unsigned char h[32];

    crypto_generichash_init(&st, NULL, 0, sizeof h);
    for (size_t i = 0; i < n; i++)
        crypto_generichash_update(&st, (const unsigned char *)header[i], strlen(header[i]) + 1);
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static void summary(const importer *im, double secs)
{
    if (wctl_json_output) {
        printf("{\"rows\": %ld, \"ok\": %ld, \"new\": %ld, \"already_imported\": %ld, \"failed\": %ld, "
               "\"changed\": %ld, \"new_households\": %ld, \"blind_spots\": %ld, \"seconds\": %.3f}\n",
               im->rows, im->ok, im->ok - im->repeated, im->repeated, im->failed, im->changed,
               im->new_households, im->blind_spots, secs);
        return;
    }
    if (im->check) {
        printf("checked %ld rows: %ld would be accepted, %ld would fail (nothing sent)\n", im->rows, im->ok,
               im->failed);
        return;
    }
    printf("imported %ld rows in %.1f s (%.0f rows/s):\n"
           "  new                               %ld  (%ld new households, %ld blind spots)\n"
           "  already imported (no change)      %ld\n"
           "  failed                            %ld\n",
           im->rows, secs, secs > 0 ? (double)im->rows / secs : 0.0, im->ok - im->repeated,
           im->new_households, im->blind_spots, im->repeated, im->failed);
    if (im->changed > 0)
        printf("    of which changed since imported %ld  (not stored: see the lines above)\n", im->changed);
}

static int failure_order(const void *a, const void *b)
{
    long x = ((const struct failure *)a)->line, y = ((const struct failure *)b)->line;
    return (x > y) - (x < y);
}

static void csv_cell(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* The rejects file: the header with an error column, then each failed row as read (a second pass over
 * the input) with its error.  UTF-8 with a BOM, so Excel opens it in Korean.  0 or -1. */
static int write_rejects(importer *im, const wctl_import_input *input, const char *path)
{
    FILE *in = wctl_import_input_stream(input), *out = fopen(path, "w");
    wctl_csv *csv = in ? wctl_csv_open(in) : NULL;
    char **fields, err[200];
    size_t n, k = 0, written = 0;
    long line;
    bool header = true;
    int rc;

    if (out == NULL || csv == NULL) {
        fprintf(stderr, "error: cannot write %s\n", path);
        goto done;
    }
    qsort(im->failures, im->n_failures, sizeof *im->failures, failure_order);
    fputs("\xef\xbb\xbf", out);
    while ((rc = wctl_csv_next(csv, &fields, &n, &line, err, sizeof err)) > 0) {
        bool keep = header;

        while (!header && k < im->n_failures && im->failures[k].line < line)
            k++;
        if (!header && k < im->n_failures && im->failures[k].line == line)
            keep = true;
        if (!keep)
            continue;
        for (size_t i = 0; i < n; i++) {
            if (i < im->n_paths && im->paths[i] == NULL)
                continue; /* the old error column: replaced */
            csv_cell(out, fields[i]);
            fputc(',', out);
        }
        csv_cell(out, header ? "오류" : im->failures[k].text ? im->failures[k].text : "");
        fputs("\r\n", out);
        written += !header;
        header = false;
    }
    fprintf(stderr, "%zu failed rows written to %s (fix them and import that file)\n", written, path);
done:
    wctl_csv_close(&csv);
    if (in)
        fclose(in);
    return out != NULL && fclose(out) == 0 && csv != NULL ? 0 : -1;
}

static int run(importer *im, wctl_csv *csv)
{
    char **fields, **header = NULL, err[200], hh[65];
    size_t n, n_header = 0;
    long line;
    int rc;

    rc = wctl_csv_next(csv, &fields, &n, &line, err, sizeof err);
    if (rc <= 0) {
        fprintf(stderr, "error: line 1: %s\n", rc < 0 ? err : "no header line");
        return 2;
    }
    header = copy_fields(fields, n);
    n_header = n;
    if (header == NULL || check_header(im, header, n_header) != 0) {
        free_fields(header);
        return 2;
    }
    header_hash(header, n_header, hh);
    snprintf(im->import_id, sizeof im->import_id, "%s", hh);
    while ((rc = wctl_csv_next(csv, &fields, &n, &line, err, sizeof err)) != 0) {
        ProtobufCMessage *req;
        char id[37];

        if (rc < 0) {
            im->rows++;
            row_error(im, line, "MALFORMED", "", err);
            break; /* an unterminated quote swallows the rest of the file */
        }
        if (n == 1 && fields[0][0] == '\0')
            continue; /* blank line */
        im->rows++;
        if (n != n_header) {
            snprintf(err, sizeof err, "%zu cells, the header has %zu", n, n_header);
            row_error(im, line, "MALFORMED", "", err);
            continue;
        }
        req = row_request(im, line, fields, n);
        if (req == NULL)
            continue;
        if (im->check) {
            protobuf_c_message_free_unpacked(req, NULL);
            im->ok++;
            continue;
        }
        row_id(hh, line, fields, n, id);
        if (im->row_by_row && (im->blocks_in_flight > 0 || im->block != NULL || im->n_pending > 0))
            send_pending(im);
        if (!im->row_by_row) {
            if (block_add(im, id, line, req) != 0) {
                fprintf(stderr, "error: out of memory\n");
                break;
            }
            progress(im, false);
            continue;
        }
        while (im->in_flight >= im->jobs)
            receive_one(im);
        if (with_row_id(req, id) != 0) {
            protobuf_c_message_free_unpacked(req, NULL);
            fprintf(stderr, "error: out of memory\n");
            break;
        }
        send_row(im, id, line, req, line, 0);
        progress(im, false);
    }
    block_flush(im);
    /* A block refused at the end (an agency granted SubmitReferral only) leaves its rows pending:
     * they go out row by row before the import ends. */
    for (;;) {
        if (im->row_by_row)
            send_pending(im);
        if (im->in_flight == 0)
            break;
        receive_one(im);
        progress(im, false);
    }
    progress(im, true);
    free_fields(header);
    return 0;
}

static int usage(int rc)
{
    fputs("usage: welfarectl import referrals FILE.csv [--check] [--rejects FILE] [--encoding E] [--jobs N]\n"
          "                  [--block-rows N] [--row-by-row] [--json]\n"
          "       welfarectl import template referrals [--persons N] [--list]\n"
          "       welfarectl import roster FILE.csv [--map COLUMN=PATH]... (see: import roster --help)\n"
          "  FILE.csv        a header line of field paths or the template's Korean headings (see: import "
          "template\n"
          "                  referrals --list); - for stdin\n"
          "  --check         run intake's checks on every row here, offline; send nothing\n"
          "  --rejects FILE  write the rows that failed, with an error column, to FILE (fix, import FILE)\n"
          "  --encoding E    the file's encoding: utf-8, cp949, euc-kr, … (default: detected)\n"
          "  --block-rows N  rows per ImportReferralBlock (default 2000, at most 10000; blocks also stop at "
          "900 kB)\n"
          "  --jobs N        commands in flight: blocks (default 4), or rows with --row-by-row (default 64)\n"
          "  --row-by-row    one SubmitReferral per row (the old path, for comparison)\n"
          "  --version       the version\n",
          rc == 0 ? stdout : stderr);
    return rc;
}

static void importer_free(importer *im)
{
    if (im->block != NULL)
        protobuf_c_message_free_unpacked(&im->block->base, NULL);
    for (size_t i = 0; im->slots != NULL && i < im->jobs; i++)
        if (im->slots[i].used) {
            protobuf_c_message_free_unpacked(im->slots[i].request, NULL);
            free(im->slots[i].row_ids);
        }
    for (size_t i = 0; i < im->n_pending; i++)
        protobuf_c_message_free_unpacked(im->pending[i].request, NULL);
    for (size_t i = 0; i < im->n_failures; i++)
        free(im->failures[i].text);
    free(im->failures);
    for (size_t i = 0; i < im->n_paths; i++)
        free(im->paths[i]);
    free(im->paths);
    free(im->pending);
    free(im->block_row_ids);
    whc_close(&im->c);
    free(im->slots);
    free(im->free_slots);
    free(im->index);
}

int wctl_cmd_import(int argc, char **argv)
{
    importer im = {0};
    whc_options opt = whc_options_from_env();
    wctl_import_input input = {0};
    wctl_csv *csv = NULL;
    const char *rejects = NULL, *encoding = NULL, *file = NULL;
    int rc = 2;

    long jobs = 0, block_rows = DEFAULT_BLOCK_ROWS;

    if (wctl_version_flag(argc, argv))
        return 0;
    if (argc >= 1 && strcmp(argv[0], "roster") == 0)
        return wctl_cmd_import_roster(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "template") == 0)
        return wctl_cmd_import_template(argc - 1, argv + 1);
    if (argc < 1 || strcmp(argv[0], "referrals") != 0)
        return usage(argc > 0 && strcmp(argv[0], "--help") == 0 ? 0 : 2);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
            jobs = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--block-rows") == 0 && i + 1 < argc)
            block_rows = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--row-by-row") == 0)
            im.row_by_row = true;
        else if (strcmp(argv[i], "--check") == 0)
            im.check = true;
        else if (strcmp(argv[i], "--rejects") == 0 && i + 1 < argc)
            rejects = argv[++i];
        else if (strcmp(argv[i], "--encoding") == 0 && i + 1 < argc)
            encoding = argv[++i];
        else if (strcmp(argv[i], "--version") == 0)
            return wctl_version_flag(1, &argv[i]) ? 0 : 2;
        else if (file == NULL && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0))
            file = argv[i];
        else
            return usage(strcmp(argv[i], "--help") == 0 ? 0 : 2);
    }
    if (file == NULL)
        return usage(2);
    if (jobs == 0)
        jobs = im.row_by_row ? DEFAULT_JOBS : DEFAULT_BLOCK_JOBS;
    if (!wctl_jobs_ok(jobs))
        return 2;
    if (block_rows < 1 || block_rows > MAX_BLOCK_ROWS) {
        fprintf(stderr, "error: --block-rows must be 1..%d\n", MAX_BLOCK_ROWS);
        return 2;
    }
    im.jobs = (size_t)jobs;
    im.block_rows = (size_t)block_rows;
    im.keep_failures = rejects != NULL;
    if (sodium_init() < 0)
        return 1;
    if (wctl_import_input_open(&input, file, encoding) != 0)
        return 1;
    im.hint = input.hint;
    im.total_rows = wctl_import_input_rows(&input);
    im.in = wctl_import_input_stream(&input);
    im.tty = isatty(STDERR_FILENO);
    im.timeout_ms = opt.timeout_ms > 0 ? opt.timeout_ms : 5000;
    if (!im.row_by_row && getenv("WH_TIMEOUT_MS") == NULL && getenv("WH_TIMEOUT_MS_FILE") == NULL)
        im.timeout_ms = BLOCK_TIMEOUT_MS;
    im.retries = opt.retries >= 0 ? opt.retries : 2;
    csv = im.in ? wctl_csv_open(im.in) : NULL;
    if (slots_init(&im) != 0 || csv == NULL || (!im.check && wctl_connect(&im.c, "intake") != 0)) {
        rc = 1;
        goto cleanup;
    }
    im.started = now_s();
    rc = run(&im, csv);
    if (rc == 0) {
        summary(&im, now_s() - im.started);
        if (rejects != NULL && write_rejects(&im, &input, rejects) != 0)
            rc = 1;
        else
            rc = im.failed > 0 ? 1 : 0;
    }
cleanup:
    importer_free(&im);
    wctl_csv_close(&csv);
    if (im.in != NULL)
        fclose(im.in);
    wctl_import_input_free(&input);
    return rc;
}
