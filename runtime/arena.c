/* arena.c: per-execution memory: bump allocation over chunks kept across executions. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define ARENA_CHUNK (256 * 1024)

static weft__arena_chunk *chunk_new(size_t need)
{
    size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
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

/* Zeroed memory from the running execution's arena, aligned for any type; valid until the execution ends.
 * Allocates from the system only when no retained chunk has room. */
void *weft__arena_alloc(size_t n)
{
    weft__arena *a = &weft__R.arena;
    size_t need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (!a->cur) {
        if (!a->first)
            a->first = chunk_new(need);
        a->cur = a->first;
    }
    while (a->cur->size - a->cur->used < need) {
        if (!a->cur->next || a->cur->next->size < need) {
            weft__arena_chunk *c = chunk_new(need);
            c->next = a->cur->next;
            a->cur->next = c;
        }
        a->cur = a->cur->next;
        a->cur->used = 0;
    }
    void *p = (char *)a->cur->data + a->cur->used;
    a->cur->used += need;
    memset(p, 0, n);
    return p;
}

/* Forget every allocation; the chunks stay for the next execution. */
void weft__arena_reset(weft__arena *a)
{
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
