/*
 * http_reply.c — how every dashboard page and API of reporting answers: the body it built (the
 * response takes it), a 500 when building it ran out of memory, and bad input as escaped JSON.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash_form.h"

void reporting_http_respond_bytes(wh_http_response *resp, int status, const char *type, char *body,
                                  size_t len)
{
    resp->status = body ? status : 500;
    resp->content_type = body ? type : "text/plain; charset=utf-8";
    resp->body = body ? body : strdup("out of memory\n");
    resp->len = body ? len : (resp->body ? strlen(resp->body) : 0);
}

void reporting_http_respond(wh_http_response *resp, int status, const char *type, char *body)
{
    reporting_http_respond_bytes(resp, status, type, body, body ? strlen(body) : 0);
}

char *reporting_http_error_json(const char *field, const char *why)
{
    json_t *root = json_pack("{s:s, s:s}", "error", why ? why : "", "field", field ? field : "");
    char *text = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    char *out = NULL;

    json_decref(root);
    if (text != NULL && asprintf(&out, "%s\n", text) < 0)
        out = NULL;
    free(text);
    return out;
}
