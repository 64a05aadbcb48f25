/*
 * capture_stderr.h — runs a function with stderr (the JSON-lines log) captured into a buffer, for unit
 * tests that check what is logged.  Include after <cmocka.h>.
 */
#ifndef CAPTURE_STDERR_H
#define CAPTURE_STDERR_H

#include <stdio.h>
#include <unistd.h>

static void capture_stderr(void (*fn)(void), char *buf, size_t size)
{
    FILE *f = tmpfile();
    int saved = dup(STDERR_FILENO);
    size_t n;

    assert_non_null(f);
    fflush(stderr);
    dup2(fileno(f), STDERR_FILENO);
    fn();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(f);
    n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

#endif
