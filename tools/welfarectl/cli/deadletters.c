/*
 * deadletters.c — `welfarectl dead-letters`: the events a service parked after its handler failed
 * WH_EVENT_MAX_ATTEMPTS times (welfare.bus.v1.ListDeadLetters), and replaying one of them once its
 * cause is fixed (welfare.bus.v1.ReplayDeadLetter).  Operators only: every service answers both on
 * its command endpoint.
 *
 *   welfarectl dead-letters list SERVICE [--stream S] [--all] [--max N] [--json]
 *   welfarectl dead-letters replay SERVICE STREAM SEQUENCE [--json]
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wctl.h"
#include "welfare/bus/v1/admin.pb-c.h"
#include "whclient.h"

static int usage(int rc)
{
    fputs("usage: welfarectl dead-letters list SERVICE [--stream S] [--all] [--max N] [--json]\n"
          "       welfarectl dead-letters replay SERVICE STREAM SEQUENCE [--json]\n"
          "  list      the events SERVICE parked (oldest first); --all includes those already replayed\n"
          "  replay    applies the parked event STREAM/SEQUENCE again with SERVICE's handler; on success it\n"
          "            counts as applied once and is marked replayed\n",
          rc == 0 ? stdout : stderr);
    return rc;
}

static void format_ms(char *out, size_t n, int64_t ms)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;

    if (ms <= 0 || gmtime_r(&secs, &tm) == NULL)
        snprintf(out, n, "-");
    else
        strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void print_dead_letters(const Welfare__Bus__V1__ListDeadLettersReply *r)
{
    static const char *const head[] = {"stream", "sequence", "type", "attempts",
                                       "parked", "replayed", "error"};
    wctl_table *t;

    if (wctl_json_output || r->n_dead_letters == 0) {
        if (wctl_json_output)
            wctl_print_reply(&r->base);
        else
            puts("no dead letters");
        return;
    }
    t = wctl_table_new(7);
    wctl_table_add(t, head);
    for (size_t i = 0; i < r->n_dead_letters; i++) {
        const Welfare__Bus__V1__DeadLetter *d = r->dead_letters[i];
        char seq[24], attempts[16], parked[32], replayed[32];
        const char *row[7] = {d->stream, seq, d->type, attempts, parked, replayed, d->error};
        snprintf(seq, sizeof seq, "%" PRIu64, d->sequence);
        snprintf(attempts, sizeof attempts, "%d", d->attempts);
        format_ms(parked, sizeof parked, d->parked_unix_ms);
        format_ms(replayed, sizeof replayed, d->replayed_unix_ms);
        wctl_table_add(t, row);
    }
    wctl_table_print(stdout, t);
    wctl_table_free(&t);
}

/* Calls service with request; prints the reply with print (or the error).  Exit code. */
static int call(const char *service, const ProtobufCMessage *request,
                const ProtobufCMessageDescriptor *reply_type, void (*print)(const ProtobufCMessage *))
{
    ProtobufCMessage *reply = NULL;
    whc *c = NULL;
    whc_error err;
    int rc = 1;

    if (wctl_connect(&c, service) != 0)
        return 1;
    if (whc_call(c, request, reply_type, &reply, &err) != 0) {
        wctl_print_error(request->descriptor->name, &err);
        goto cleanup;
    }
    print(reply);
    rc = 0;
cleanup:
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
    whc_close(&c);
    return rc;
}

static void print_list(const ProtobufCMessage *m)
{
    print_dead_letters((const Welfare__Bus__V1__ListDeadLettersReply *)m);
}

static void print_replayed(const ProtobufCMessage *m)
{
    if (wctl_json_output)
        wctl_print_reply(m);
    else
        printf("replayed: %s applied\n", ((const Welfare__Bus__V1__ReplayDeadLetterReply *)m)->type);
}

static int list(const char *service, int argc, char **argv)
{
    Welfare__Bus__V1__ListDeadLetters req = WELFARE__BUS__V1__LIST_DEAD_LETTERS__INIT;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0)
            req.include_replayed = true;
        else if (strcmp(argv[i], "--stream") == 0 && i + 1 < argc)
            req.stream = argv[++i];
        else if (strcmp(argv[i], "--max") == 0 && i + 1 < argc)
            req.max = (uint32_t)strtoul(argv[++i], NULL, 10);
        else
            return usage(strcmp(argv[i], "--help") == 0 ? 0 : 2);
    }
    return call(service, &req.base, &welfare__bus__v1__list_dead_letters_reply__descriptor, print_list);
}

static int replay(const char *service, int argc, char **argv)
{
    Welfare__Bus__V1__ReplayDeadLetter req = WELFARE__BUS__V1__REPLAY_DEAD_LETTER__INIT;
    char *end = NULL;

    if (argc != 2)
        return usage(2);
    req.stream = argv[0];
    req.sequence = strtoull(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || req.sequence == 0) {
        fprintf(stderr, "error: SEQUENCE must be a positive number, not \"%s\"\n", argv[1]);
        return 2;
    }
    return call(service, &req.base, &welfare__bus__v1__replay_dead_letter_reply__descriptor, print_replayed);
}

int wctl_cmd_dead_letters(int argc, char **argv)
{
    if (argc < 1 || wctl_help_flag(argc, argv))
        return usage(argc < 1 ? 2 : 0);
    if (argc < 2 || !wctl_service_known(argv[1])) {
        if (argc >= 2)
            fprintf(stderr, "error: unknown service \"%s\"\n", argv[1]);
        return usage(2);
    }
    if (strcmp(argv[0], "list") == 0)
        return list(argv[1], argc - 2, argv + 2);
    if (strcmp(argv[0], "replay") == 0)
        return replay(argv[1], argc - 2, argv + 2);
    return usage(2);
}
