/*
 * report_query.c — the one way reporting's read commands run (`kpi`, `kpi-table`): flags to the
 * request's fields, one call to reporting, the reply as JSON (--json) or printed for people.
 */
#include <stdlib.h>
#include <string.h>

#include "wctl.h"

static const wctl_report_flag *flag_of(const wctl_report_query *q, const char *arg)
{
    for (size_t i = 0; i < q->n_flags; i++)
        if (strcmp(q->flags[i].flag, arg) == 0)
            return &q->flags[i];
    return NULL;
}

/* Fills req from argv: 0, or the exit code (usage 2 / help 0 / a refused value 2). */
static int parse_flags(const wctl_report_query *q, ProtobufCMessage *req, int argc, char **argv)
{
    char msg[256];

    for (int i = 0; i < argc; i++) {
        const wctl_report_flag *f = flag_of(q, argv[i]);

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return q->usage(0), -1;
        if (f == NULL || i + 1 >= argc)
            return q->usage(2);
        const char *value = f->value != NULL ? f->value(argv[i + 1]) : argv[i + 1];
        if (value == NULL) {
            fprintf(stderr, "error: %s\n", f->refused);
            return 2;
        }
        i++;
        if (wctl_field_set(req, f->field, value, msg, sizeof msg) != 0) {
            fprintf(stderr, "error: %s\n", msg);
            return 2;
        }
    }
    return 0;
}

static void print_reply(const ProtobufCMessage *reply, const void *query)
{
    if (wctl_json_output)
        wctl_print_reply(reply);
    else
        ((const wctl_report_query *)query)->print(reply);
}

int wctl_report_run(const wctl_report_query *q, int argc, char **argv)
{
    ProtobufCMessage *req = wctl_message_new(q->request);
    int rc = req != NULL ? parse_flags(q, req, argc, argv) : 1;

    if (rc == 0)
        rc = wctl_call_print("reporting", q->method, req, q->reply, print_reply, q);
    if (req != NULL)
        protobuf_c_message_free_unpacked(req, NULL);
    return rc < 0 ? 0 : rc;
}
