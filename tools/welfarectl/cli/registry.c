/*
 * registry.c — finding messages and enum values by name, over the table of every generated
 * descriptor (built by gen-descriptors.sh from the generated pb-c.h headers).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wctl.h"

const ProtobufCMessageDescriptor *wctl_descriptor_find(const char *full_name)
{
    for (size_t i = 0; i < wctl_n_descriptors; i++)
        if (strcmp(wctl_descriptors[i]->name, full_name) == 0)
            return wctl_descriptors[i];
    return NULL;
}

static void snake(const char *camel, char sep, int (*conv)(int), char *out, size_t n)
{
    size_t j = 0;

    for (size_t i = 0; camel[i] != '\0' && j + 2 < n; i++) {
        if (i > 0 && isupper((unsigned char)camel[i]) && !isupper((unsigned char)camel[i - 1]))
            out[j++] = sep;
        out[j++] = (char)conv((unsigned char)camel[i]);
    }
    out[j] = '\0';
}

void wctl_kebab(const char *camel, char *out, size_t n)
{
    snake(camel, '-', tolower, out, n);
}

/* "ProviderKind" → "PROVIDER_KIND_", the prefix buf lint makes every value carry. */
static size_t enum_prefix(const ProtobufCEnumDescriptor *e, char *out, size_t n)
{
    size_t len;

    snake(e->short_name, '_', toupper, out, n - 1);
    len = strlen(out);
    out[len++] = '_';
    out[len] = '\0';
    return len;
}

const ProtobufCEnumValue *wctl_enum_find(const ProtobufCEnumDescriptor *e, const char *text)
{
    char prefix[128], want[128];
    size_t plen = enum_prefix(e, prefix, sizeof prefix), i;
    char *end = NULL;
    long num;

    for (i = 0; text[i] != '\0' && i + 1 < sizeof want; i++)
        want[i] = text[i] == '-' ? '_' : text[i];
    want[i] = '\0';
    for (i = 0; i < e->n_values; i++) {
        const char *name = e->values[i].name;

        if (strcasecmp(name, want) == 0)
            return &e->values[i];
        if (strncmp(name, prefix, plen) == 0 && strcasecmp(name + plen, want) == 0)
            return &e->values[i];
    }
    num = strtol(text, &end, 10);
    if (end != text && *end == '\0')
        return protobuf_c_enum_descriptor_get_value(e, (int)num);
    return NULL;
}

const char *wctl_enum_short(const ProtobufCEnumDescriptor *e, int value)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(e, value);
    char prefix[128];
    size_t plen;

    if (v == NULL)
        return "?";
    plen = enum_prefix(e, prefix, sizeof prefix);
    return strncmp(v->name, prefix, plen) == 0 ? v->name + plen : v->name;
}
