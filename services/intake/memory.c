/*
 * memory.c — intake gives its memory back when idle.
 *
 * A bulk block (up to 10,000 rows) takes a few MiB while it is worked on: the unpacked message, the
 * rows' hashes and sealed values, the reads' results, the resolver's maps, the COPY buffers.  All of
 * it is freed after the command, but glibc keeps freed heap memory for reuse: its mmap threshold
 * rises with every large block freed (up to 32 MiB), so later large blocks come from the heap, and
 * what is freed below the top of the heap stays resident; each thread's arena keeps its own.  That
 * was intake's 61.8 MiB idle after the bench (docs/benchmarks.md).  So:
 *
 *   - a fixed mmap threshold (large blocks are mapped and unmapped, not kept in the heap) and trim
 *     threshold, which also stops glibc's dynamic raising of both;
 *   - at most two arenas (the loop's and the ZeroMQ I/O thread's);
 *   - malloc_trim(0) once a second while intake was busy since the last one, so what a burst freed
 *     goes back to the system once it is over.
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
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024);
    uv_timer_init(loop, &trim_timer);
    uv_timer_start(&trim_timer, on_trim_timer, TRIM_EVERY_MS, TRIM_EVERY_MS);
    uv_unref((uv_handle_t *)&trim_timer); /* does not keep the loop alive on its own */
}

void intake_memory_stop(void)
{
    uv_timer_stop(&trim_timer);
    uv_close((uv_handle_t *)&trim_timer, NULL);
}
