/*
 * store_table.h — a table of text cells (row-major) the set-wise store fills and then writes as
 * COPY … FROM STDIN text rows or as one array parameter per column (INSERT/UPDATE … unnest).
 * Private to the store (store_bulk.c, store_table.c).
 */
#ifndef INTAKE_STORE_TABLE_H
#define INTAKE_STORE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intake.h"
#include "wh/buf.h"
#include "wh/sqlarray.h"

typedef struct intake_table {
    const char *name;      /* for logs */
    const char *copy_sql;  /* COPY … FROM STDIN */
    const char *statement; /* the unnest form (a prepared statement's name) */
    int n_cols;
    wh_buf text;   /* the cells' bytes, each NUL-terminated */
    size_t *cells; /* offsets into text, SIZE_MAX for SQL NULL */
    size_t n, cap;
    bool failed;
} intake_table;

void intake_cell(intake_table *t, const char *s); /* NULL is SQL NULL */
void intake_cell_i64(intake_table *t, int64_t v);
void intake_cell_f64(intake_table *t, double v);
void intake_cell_bool(intake_table *t, bool v);
/* Column col of every row as an array literal into a. */
void intake_table_column(wh_sqlarray *a, const intake_table *t, int col);
/* Runs t->statement with one array parameter per column. */
int intake_table_unnest(wh_db *db, const intake_table *t);
/* Writes the rows (none: nothing): COPY, or the unnest statement.  0 or a negative status. */
int intake_table_write(wh_db *db, intake_table *t, intake_bulk_write mode);
void intake_table_free(intake_table *t);

#endif
