/*
 * run.c — running a table command: flags → request, one call, the reply printed (table or --json), a
 * typed error as "error: STATUS field: message" on stderr with exit code 1.
 */
#include <stdlib.h>
#include <string.h>

#include "wctl.h"
#include "wh/status.h"
#include "whclient.h"

bool wctl_json_output;

static void usage(FILE *out, const wctl_cmd *cmd)
{
    fprintf(out, "usage: welfarectl %s %s [--input FILE.json] [--field value …] [--json]\n\n", cmd->service,
            cmd->name);
    if (cmd->summary != NULL && cmd->summary[0] != '\0')
        fprintf(out, "%s.\n", cmd->summary);
    if (cmd->who != NULL)
        fprintf(out, "%s; who may send it: %s.\n", cmd->query ? "A query (it changes nothing)" : "A command",
                cmd->who);
    fprintf(out, "Sends %s, prints %s.\n", cmd->request->name, cmd->reply->name);
    if (cmd->errors != NULL && cmd->errors[0] != '\0')
        fprintf(out, "Errors besides the common ones (docs/bus-protocol.md, section 5): %s.\n", cmd->errors);
    fputs("--input reads the request as a JSON object first (\"-\": stdin); flags after it add to "
          "it.\n\nFields:\n",
          out);
    wctl_flags_help(out, cmd->request);
}

void wctl_print_error(const char *what, const whc_error *err)
{
    fprintf(stderr, "error: %s: %s", what, wh_status_name(err->status));
    if (err->field[0] != '\0')
        fprintf(stderr, " (%s)", err->field);
    if (err->message[0] != '\0')
        fprintf(stderr, ": %s", err->message);
    fputc('\n', stderr);
}

int wctl_connect(whc **c, const char *service)
{
    whc_options opt = whc_options_from_env();
    int rc = whc_open(c, service, &opt);

    if (rc != 0)
        fprintf(stderr,
                "error: cannot connect to %s: %s (check WH_ALLOWLIST_FILE, WH_SECRET_KEY_FILE, WH_%s_BUS)\n",
                service, wh_status_name(rc), service);
    return rc;
}

void wctl_print_reply(const ProtobufCMessage *reply)
{
    if (wctl_json_output) {
        json_t *obj = wctl_json_from_message(reply);

        json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(obj);
    } else {
        wctl_print_message(stdout, reply);
    }
}

static void print_any(const ProtobufCMessage *reply, const void *ctx)
{
    (void)ctx;
    wctl_print_reply(reply);
}

int wctl_run_command(const wctl_cmd *cmd, int argc, char **argv)
{
    ProtobufCMessage *req = NULL;
    char msg[512];
    int rc = 2;

    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout, cmd);
            return 0;
        }
    req = wctl_message_new(cmd->request);
    if (req != NULL && argc >= 2 && strcmp(argv[0], "--input") == 0) {
        if (wctl_input_json(req, argv[1], msg, sizeof msg) != 0) {
            fprintf(stderr, "error: %s\n", msg);
            goto cleanup;
        }
        argc -= 2;
        argv += 2;
    }
    if (req == NULL || wctl_flags_parse(req, argc, argv, msg, sizeof msg) != 0) {
        fprintf(stderr, "error: %s\n(see: welfarectl %s %s --help)\n", msg, cmd->service, cmd->name);
        goto cleanup;
    }
    rc = wctl_call_print(cmd->service, cmd->request->name, req, cmd->reply, print_any, NULL);
cleanup:
    if (req != NULL)
        protobuf_c_message_free_unpacked(req, NULL);
    return rc;
}

int wctl_call_print(const char *service, const char *method, const ProtobufCMessage *req,
                    const ProtobufCMessageDescriptor *reply_desc,
                    void (*print)(const ProtobufCMessage *reply, const void *ctx), const void *ctx)
{
    ProtobufCMessage *reply = NULL;
    whc *c = NULL;
    whc_error err;
    int rc = 1;

    if (wctl_connect(&c, service) != 0)
        goto cleanup;
    if (whc_call(c, req, reply_desc, &reply, &err) != 0) {
        wctl_print_error(method, &err);
        goto cleanup;
    }
    print(reply, ctx);
    rc = 0;
cleanup:
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
    whc_close(&c);
    return rc;
}

bool wctl_version_flag(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--version") == 0) {
            printf("welfarectl %s\n", WCTL_VERSION);
            return true;
        }
    return false;
}

bool wctl_jobs_ok(long jobs)
{
    if (jobs >= 1 && jobs <= WH_IN_FLIGHT_MAX)
        return true;
    fprintf(stderr,
            "error: --jobs must be 1..%d: a service holds at most %d commands of one connection at once "
            "and answers more UNAVAILABLE\n",
            WH_IN_FLIGHT_MAX, WH_IN_FLIGHT_MAX);
    return false;
}

bool wctl_help_flag(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}
