/* arena.c: per-execution memory: bump allocation over chunks kept across executions, sized to the largest. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define ARENA_CHUNK (256 * 1024)

static weft__arena_chunk *chunk_new(size_t need)
{
    size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
    size = (size + ARENA_CHUNK - 1) / ARENA_CHUNK * ARENA_CHUNK;
    weft__arena_chunk *c = malloc(sizeof *c + size);
    if (!c) {
        fprintf(stderr, "weft: out of memory (arena chunk of %zu bytes)\n", size);
        abort();
    }
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

/* The running execution has filled its chunks: append one at least as large as all of them together (so an
 * execution makes O(log) chunks) and at least `need`. */
static void grow(weft__arena *a, size_t need)
{
    size_t total = 0;
    for (weft__arena_chunk *c = a->first; c; c = c->next)
        total += c->size;
    weft__arena_chunk *c = chunk_new(need > total ? need : total);
    c->next = a->cur->next;
    a->cur->next = c;
    a->cur = c;
}

/* Zeroed memory from the running execution's arena, aligned for any type; valid until the execution ends.
 * Allocates from the system only when the execution needs more than any execution before it. */
void *weft__arena_alloc(size_t n)
{
    weft__arena *a = &weft__R.arena;
    size_t need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (!a->cur) {
        if (!a->first)
            a->first = chunk_new(need);
        a->cur = a->first;
        a->cur->used = 0;
    }
    if (WEFT__UNLIKELY(a->cur->size - a->cur->used < need))
        grow(a, need);
    void *p = (char *)a->cur->data + a->cur->used;
    a->cur->used += need;
    memset(p, 0, n);
    return p;
}

/* Forget every allocation; the memory stays for the next execution. When the last execution spilled over
 * several chunks, they are replaced by one chunk of what it used and a quarter more: retained memory follows
 * the largest execution (not the sum of all), and an execution no larger than it allocates nothing. */
void weft__arena_reset(weft__arena *a)
{
    weft__arena *prev = &weft__R.arena_prev;
    if (a == &weft__R.arena && prev->first && weft__obj_apart()) {
        /* Objects live apart, at addresses never reused (object.c): the previous execution's memory need not be
         * kept out of the next one's way (as weft__exec_begin's alternation of two arenas does for objects in
         * the arena), so one set of chunks serves every execution. */
        weft__arena_release(a);
        *a = *prev;
        prev->first = prev->cur = NULL;
    }
    if (a->first && a->first->next) {
        size_t used = 0;
        for (weft__arena_chunk *c = a->first; c; c = c->next) {
            used += c->used;
            if (c == a->cur)
                break;
        }
        size_t keep = used + used / 4;
        if (keep < a->first->size)
            keep = a->first->size;
        weft__arena_release(a);
        a->first = chunk_new(keep);
    }
    a->cur = a->first;
    if (a->cur)
        a->cur->used = 0;
}

/* Return every chunk to the system. */
void weft__arena_release(weft__arena *a)
{
    weft__arena_chunk *c = a->first;
    while (c) {
        weft__arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->first = a->cur = NULL;
}

/* Public: zeroed memory owned by the running execution, released when it ends. */
void *weft_alloc_at(size_t n, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_alloc", file, line);
    if (WEFT__UNLIKELY(n > ((size_t)1 << 32)))
        weft__usage("weft_alloc", file, line, "%zu bytes is too large (at most 4 GiB; a negative size?)", n);
    return weft__arena_alloc(n);
}

/* Public: weft_alloc without a call site. */
void *(weft_alloc)(size_t n)
{
    return weft_alloc_at(n, NULL, 0, NULL);
}
