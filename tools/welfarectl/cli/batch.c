/*
 * batch.c — `welfarectl batch SERVICE COMMAND FILE.jsonl`: one command per line of JSON (the
 * request's fields, as --input reads them), pipelined on one connection, N in flight.
 *
 * Each line's message id is a hash of the command, the line number and the line, so running the
 * same file again submits nothing twice (the service answers the repeats from its stored replies).
 * A timeout resends what is in flight with the same ids (WH_RETRIES times), then reports it
 * UNAVAILABLE.  Per line: an error is printed on stderr as `line N: STATUS (field): message`; with
 * --json each reply is printed on stdout as one object {"line": N, "reply": {…}} (or "error").  A
 * summary ends it on stderr; the exit status is 1 when any line failed, 2 on bad usage.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wctl.h"
#include "wh/status.h"
#include "whclient.h"

#define MAX_JOBS WH_IN_FLIGHT_MAX /* what a service holds of one connection at once */

typedef struct flight {
    bool used;
    char id[37];
    long line;
    int attempts;
    ProtobufCMessage *request;
} flight;

typedef struct batch {
    const wctl_cmd *cmd;
    whc *c;
    flight slots[MAX_JOBS];
    size_t jobs, in_flight;
    int timeout_ms, retries;
    long ok, failed;
} batch;

static void line_id(const char *type, long line, const char *text, char out[37])
{
    unsigned char h[16];
    crypto_generichash_state st;

    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)type, strlen(type) + 1);
    crypto_generichash_update(&st, (const unsigned char *)&line, sizeof line);
    crypto_generichash_update(&st, (const unsigned char *)text, strlen(text));
    crypto_generichash_final(&st, h, sizeof h);
    wctl_uuid_text(h, out);
}

static void print_result(long line, const ProtobufCMessage *reply, const char *status, const char *field,
                         const char *message)
{
    if (reply == NULL)
        fprintf(stderr, "line %ld: %s%s%s%s: %s\n", line, status, field[0] ? " (" : "", field,
                field[0] ? ")" : "", message);
    if (!wctl_json_output)
        return;
    json_t *o = json_object();
    json_object_set_new(o, "line", json_integer(line));
    if (reply != NULL)
        json_object_set_new(o, "reply", wctl_json_from_message(reply));
    else
        json_object_set_new(
            o, "error", json_pack("{s:s, s:s, s:s}", "status", status, "field", field, "message", message));
    json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
}

static void settle(batch *b, flight *f, const ProtobufCMessage *reply, const char *status, const char *field,
                   const char *message)
{
    print_result(f->line, reply, status, field, message);
    if (reply != NULL)
        b->ok++;
    else
        b->failed++;
    protobuf_c_message_free_unpacked(f->request, NULL);
    f->used = false;
    b->in_flight--;
}

static flight *find(batch *b, const char *id)
{
    for (size_t i = 0; i < b->jobs; i++)
        if (b->slots[i].used && strcmp(b->slots[i].id, id) == 0)
            return &b->slots[i];
    return NULL;
}

/* After a timeout: everything in flight again, with its id; what has been tried enough fails. */
static void resend_all(batch *b)
{
    whc_reset(b->c);
    for (size_t i = 0; i < b->jobs; i++) {
        flight *f = &b->slots[i];
        if (!f->used)
            continue;
        if (f->attempts > b->retries) {
            settle(b, f, NULL, "UNAVAILABLE", "", "no reply after the retries");
            continue;
        }
        f->attempts++;
        whc_send_id(b->c, f->id, f->request);
    }
}

static void receive_one(batch *b)
{
    ProtobufCMessage *reply = NULL;
    whc_error err;
    char id[37];
    int rc = whc_recv(b->c, b->timeout_ms, b->cmd->reply, &reply, id, &err);
    flight *f = id[0] ? find(b, id) : NULL;

    if (rc == WH_UNAVAILABLE && id[0] == '\0') {
        resend_all(b);
        return;
    }
    if (f == NULL) { /* a late reply to a line settled already */
        if (reply != NULL)
            protobuf_c_message_free_unpacked(reply, NULL);
        return;
    }
    if (rc == WH_UNAVAILABLE && f->attempts <= b->retries) {
        f->attempts++;
        whc_send_id(b->c, f->id, f->request);
        return;
    }
    if (rc != 0)
        settle(b, f, NULL, wh_status_name(rc), err.field, err.message);
    else
        settle(b, f, reply, "", "", "");
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
}

static void send_line(batch *b, long line, const char *text, ProtobufCMessage *req)
{
    flight *f = NULL;

    while (b->in_flight >= b->jobs)
        receive_one(b);
    for (size_t i = 0; i < b->jobs && f == NULL; i++)
        if (!b->slots[i].used)
            f = &b->slots[i];
    line_id(b->cmd->request->name, line, text, f->id);
    if (find(b, f->id) != NULL) { /* cannot happen: lines differ by number */
        protobuf_c_message_free_unpacked(req, NULL);
        return;
    }
    f->used = true;
    f->line = line;
    f->attempts = 1;
    f->request = req;
    b->in_flight++;
    whc_send_id(b->c, f->id, req); /* a failed send is a timeout, resent by resend_all */
}

/* Every line of in: blank lines and lines starting with '#' are skipped. */
static void run_lines(batch *b, FILE *in)
{
    char *text = NULL, msg[512];
    size_t cap = 0;
    ssize_t len;
    long line = 0;

    while ((len = getline(&text, &cap, in)) >= 0) {
        line++;
        while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
            text[--len] = '\0';
        if (len == 0 || text[0] == '#')
            continue;
        ProtobufCMessage *req = wctl_message_new(b->cmd->request);
        if (req == NULL || wctl_input_json_text(req, text, msg, sizeof msg) != 0) {
            print_result(line, NULL, "INVALID_ARGUMENT", "", req ? msg : "out of memory");
            b->failed++;
            if (req)
                protobuf_c_message_free_unpacked(req, NULL);
            continue;
        }
        send_line(b, line, text, req);
    }
    free(text);
    while (b->in_flight > 0)
        receive_one(b);
}

static int usage(void)
{
    fputs("usage: welfarectl batch <service> <command> FILE.jsonl [--jobs N] [--json]\n"
          "  one request per line as a JSON object (the fields of `--input`); \"-\" reads stdin\n",
          stderr);
    return 2;
}

int wctl_cmd_batch(int argc, char **argv)
{
    batch b = {.jobs = 16};
    if (argc < 3)
        return usage();
    b.cmd = wctl_command_find(argv[0], argv[1]);
    if (b.cmd == NULL) {
        fprintf(stderr, "error: %s has no command \"%s\"\n", argv[0], argv[1]);
        return 2;
    }
    for (int i = 3; i < argc; i += 2) {
        char *end = NULL;
        long n = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : 0;
        if (strcmp(argv[i], "--jobs") != 0 || end == NULL || *end != '\0')
            return usage();
        if (!wctl_jobs_ok(n))
            return 2;
        b.jobs = (size_t)n;
    }
    FILE *in = strcmp(argv[2], "-") == 0 ? stdin : fopen(argv[2], "r");
    if (in == NULL) {
        fprintf(stderr, "error: cannot read %s\n", argv[2]);
        return 2;
    }
    whc_options opt = whc_options_from_env();
    b.timeout_ms = opt.timeout_ms > 0 ? opt.timeout_ms : 5000;
    b.retries = opt.retries >= 0 ? opt.retries : 2;
    int rc = wctl_connect(&b.c, b.cmd->service);
    if (rc == 0) {
        run_lines(&b, in);
        fprintf(stderr, "%s: %ld done, %ld failed\n", b.cmd->request->name, b.ok, b.failed);
    }
    if (in != stdin)
        fclose(in);
    whc_close(&b.c);
    return rc != 0 || b.failed > 0 ? 1 : 0;
}
