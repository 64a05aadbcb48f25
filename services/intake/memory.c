/*
 * memory.c — intake gives its memory back when idle.
 *
 * A bulk block (up to 10,000 rows) takes a few MiB while it is worked on: the unpacked message, the
 * rows' hashes and sealed values, the reads' results, the resolver's maps, the COPY buffers.  All of
 * it is freed after the command, but glibc keeps freed heap memory for reuse: its mmap threshold
 * rises with every large block freed (up to 32 MiB), so later large blocks come from the heap, and
 * what is freed below the top of the heap stays resident; each thread's arena keeps its own.  That
 * was intake's 61.8 MiB idle after the bench (docs/benchmarks.md).  The framework fixes glibc's
 * thresholds and arenas for every service (common/src/service.c:configure_heap: large blocks mapped,
 * not kept in the heap; at most two arenas) and trims once a service is idle for a tick; a bulk import
 * is never idle for a tick, so intake also calls malloc_trim(0) once a second while it was busy since
 * the last one, so what a burst freed goes back to the system once it is over.
 */
#include <malloc.h>
#include <stdbool.h>

#include <uv.h>

#include "intake.h"

#define TRIM_EVERY_MS 1000

static uv_timer_t trim_timer;
static bool busy; /* a command ran since the last trim */

void intake_memory_used(void)
{
    busy = true;
}

static void on_trim_timer(uv_timer_t *t)
{
    (void)t;
    if (!busy)
        return;
    busy = false;
    malloc_trim(0);
}

void intake_memory_start(uv_loop_t *loop)
{
    uv_timer_init(loop, &trim_timer);
    uv_timer_start(&trim_timer, on_trim_timer, TRIM_EVERY_MS, TRIM_EVERY_MS);
    uv_unref((uv_handle_t *)&trim_timer); /* does not keep the loop alive on its own */
}

void intake_memory_stop(void)
{
    uv_timer_stop(&trim_timer);
    uv_close((uv_handle_t *)&trim_timer, NULL);
}
