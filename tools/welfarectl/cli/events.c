/*
 * events.c — `welfarectl events STREAM [--from SEQ] [--follow]`: reads a service's event stream with
 * welfare.bus.v1.FetchEvents and prints each event: sequence, time, type, and its payload as JSON,
 * decoded through the descriptor registry (every generated events.pb-c.h).  --follow keeps polling
 * for new events until interrupted.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wctl.h"
#include "welfare/bus/v1/stream.pb-c.h"
#include "whclient.h"

/* The producers' own maximum (WH_FETCH_MAX's default): a reply is as full as the byte bound lets it
 * be.  No types are asked for: an operator sees every event of the stream. */
#define FETCH_MAX 2000

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static json_t *payload_json(const Welfare__Bus__V1__Envelope *ev)
{
    const ProtobufCMessageDescriptor *d = wctl_descriptor_find(ev->type);
    ProtobufCMessage *m;
    json_t *j;

    if (d == NULL)
        return json_pack("{s:s, s:I}", "unknown_type", ev->type, "bytes", (json_int_t)ev->payload.len);
    m = protobuf_c_message_unpack(d, NULL, ev->payload.len, ev->payload.data);
    if (m == NULL)
        return json_pack("{s:s}", "error", "payload could not be decoded");
    j = wctl_json_from_message(m);
    protobuf_c_message_free_unpacked(m, NULL);
    return j;
}

static void print_event(const Welfare__Bus__V1__Envelope *ev)
{
    json_t *payload = payload_json(ev);

    if (wctl_json_output) {
        json_t *line =
            json_pack("{s:s, s:I, s:s, s:s, s:I, s:o}", "stream", ev->stream, "sequence",
                      (json_int_t)ev->sequence, "type", ev->type, "correlation_id", ev->correlation_id,
                      "time_unix_ms", (json_int_t)ev->time_unix_ms, "payload", payload);

        json_dumpf(line, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(line);
    } else {
        char when[32] = "-", *text = json_dumps(payload, JSON_COMPACT | JSON_PRESERVE_ORDER);
        time_t secs = (time_t)(ev->time_unix_ms / 1000);
        struct tm tm;

        if (gmtime_r(&secs, &tm) != NULL)
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        printf("%8" PRIu64 "  %s  %-40s %s\n", ev->sequence, when, ev->type, text != NULL ? text : "");
        free(text);
        json_decref(payload);
    }
}

static int usage(int rc)
{
    fputs("usage: welfarectl events STREAM [--from SEQ] [--follow] [--json]\n"
          "  STREAM    intake, case, registry, routing or reporting\n"
          "  --from    print events after this sequence (default 0: from the start)\n"
          "  --follow  keep waiting for new events (Ctrl-C stops)\n",
          rc == 0 ? stdout : stderr);
    return rc;
}

int wctl_cmd_events(int argc, char **argv)
{
    Welfare__Bus__V1__FetchEvents req = WELFARE__BUS__V1__FETCH_EVENTS__INIT;
    bool follow = false;
    uint64_t after = 0;
    whc *c = NULL;
    int rc = 1;

    if (argc < 1 || argv[0][0] == '-')
        return usage(argc > 0 && strcmp(argv[0], "--help") == 0 ? 0 : 2);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--follow") == 0)
            follow = true;
        else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
            after = strtoull(argv[++i], NULL, 10);
        else
            return usage(strcmp(argv[i], "--help") == 0 ? 0 : 2);
    }
    if (!wctl_service_known(argv[0])) {
        fprintf(stderr, "error: unknown stream \"%s\"\n", argv[0]);
        return 2;
    }
    if (wctl_connect(&c, argv[0]) != 0)
        return 1;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    req.stream = argv[0];
    req.max_events = FETCH_MAX;
    while (!stop) {
        Welfare__Bus__V1__FetchEventsReply *reply = NULL;
        whc_error err;

        req.after_sequence = after;
        if (whc_call(c, &req.base, &welfare__bus__v1__fetch_events_reply__descriptor,
                     (ProtobufCMessage **)&reply, &err) != 0) {
            wctl_print_error("FetchEvents", &err);
            goto cleanup;
        }
        for (size_t i = 0; i < reply->n_events; i++) {
            print_event(reply->events[i]);
            after = reply->events[i]->sequence;
        }
        if (reply->covered_sequence > after)
            after = reply->covered_sequence; /* what the reply accounts for (fetch.c) */
        fflush(stdout);
        if (reply->n_events == 0 || after >= reply->head_sequence) {
            protobuf_c_message_free_unpacked(&reply->base, NULL);
            if (!follow)
                break;
            usleep(500 * 1000);
            continue;
        }
        protobuf_c_message_free_unpacked(&reply->base, NULL);
    }
    rc = 0;
cleanup:
    whc_close(&c);
    return rc;
}
