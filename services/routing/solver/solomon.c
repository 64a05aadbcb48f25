/*
 * solomon.c — reads the classic Solomon VRPTW text layout (CRLF or LF line ends) into a problem:
 * location 0 the depot, visit i customer i + 1 at location i + 1 (its id the customer number), one
 * member of staff per vehicle with the file's capacity and the depot's window as shift.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    double no, x, y, demand, ready, due, service;
} row_t;

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

static int read_rows(FILE *f, row_t **rows_p, int *n_p, int *vehicles, double *capacity, char *name,
                     size_t namelen)
{
    char line[512];
    int n = 0, cap = 0, state = 0; /* 0 name, 1 before NUMBER, 2 vehicle line, 3 customers */
    row_t *rows = NULL;
    while (fgets(line, sizeof(line), f)) {
        trim(line);
        const char *s = line + strspn(line, " \t");
        if (!*s)
            continue;
        if (state == 0) {
            snprintf(name, namelen, "%s", s);
            state = 1;
        } else if (state == 1 && strncmp(s, "NUMBER", 6) == 0) {
            state = 2;
        } else if (state == 2) {
            if (sscanf(s, "%d %lf", vehicles, capacity) != 2)
                break;
            state = 3;
        } else if (state == 3 && (*s >= '0' && *s <= '9')) {
            row_t r;
            if (sscanf(s, "%lf %lf %lf %lf %lf %lf %lf", &r.no, &r.x, &r.y, &r.demand, &r.ready, &r.due,
                       &r.service) != 7)
                break;
            if (n == cap) {
                cap = cap ? cap * 2 : 128;
                row_t *g = realloc(rows, sizeof(*rows) * (size_t)cap);
                if (!g)
                    break;
                rows = g;
            }
            rows[n++] = r;
        }
    }
    *rows_p = rows;
    *n_p = n;
    return state == 3 && n >= 1 && *vehicles > 0 ? 0 : ROUTING_EFORMAT;
}

static int build(routing_problem_t *p, const row_t *rows, int n, int vehicles, double capacity)
{
    for (int i = 0; i < n; i++)
        if (routing_problem_add_location(p, rows[i].x, rows[i].y) < 0)
            return ROUTING_EINVAL;
    for (int k = 0; k < vehicles; k++) {
        char id[32];
        snprintf(id, sizeof(id), "vehicle-%d", k + 1);
        routing_staff_t s = {
            .id = id, .shift_start = rows[0].ready, .shift_end = rows[0].due, .capacity = capacity};
        if (routing_problem_add_staff(p, &s) < 0)
            return ROUTING_EINVAL;
    }
    for (int i = 1; i < n; i++) {
        char id[32];
        snprintf(id, sizeof(id), "%.0f", rows[i].no);
        routing_visit_t v;
        routing_visit_init(&v);
        v.id = id;
        v.location = i;
        v.duration = rows[i].service;
        v.demand = rows[i].demand;
        v.n_windows = 1;
        v.windows[0] = (routing_window_t){rows[i].ready, rows[i].due};
        if (routing_problem_add_visit(p, &v) < 0)
            return ROUTING_EINVAL;
    }
    return 0;
}

int routing_solomon_read(const char *path, routing_problem_t **problem_p, char *name, size_t namelen)
{
    if (!path || !problem_p)
        return ROUTING_EINVAL;
    char dummy[8];
    if (!name || !namelen) {
        name = dummy;
        namelen = sizeof(dummy);
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return ROUTING_EIO;
    row_t *rows = NULL;
    int n = 0, vehicles = 0;
    double capacity = 0;
    int rc = read_rows(f, &rows, &n, &vehicles, &capacity, name, namelen);
    fclose(f);
    routing_problem_t *p = NULL;
    if (rc == 0) {
        p = routing_problem_new();
        rc = p ? build(p, rows, n, vehicles, capacity) : ROUTING_ENOMEM;
    }
    free(rows);
    if (rc < 0)
        routing_problem_destroy(&p);
    *problem_p = p;
    return rc;
}
