/* stack.c: task stacks below 64 KiB guard regions, mapped once and reused across executions. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND 1
#endif
#endif

/* The guard below each stack: PROT_NONE address space only (no memory), wide enough that a frame of up to
 * 64 KiB (a large local array) that jumps past the stack's end lands in it and faults as a stack overflow,
 * instead of writing over whatever is mapped below. */
#define GUARD_SIZE ((size_t)64 * 1024)

static size_t guard_size(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (GUARD_SIZE + page - 1) & ~(page - 1);
}

/* A stack for a new task: from the free list, else freshly mapped (only until the pool has grown
 * to the largest number of tasks alive at once). Running out is weft's resource error, not the program's. */
weft__stack *weft__stack_get(void)
{
    weft__rt *R = &weft__R;
    weft__stack *s = R->free_stacks;
    if (s) {
        R->free_stacks = s->next_free;
        return s;
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = (R->stack_size + page - 1) & ~(page - 1), guard = guard_size();
    void *base = mmap(NULL, size + guard, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        weft__resource_error("cannot map a task stack of %zu KiB for task %d (mmap: %s): lower --stack-size or the "
                             "number of tasks, or raise the memory limit",
                             size / 1024, R->ntasks, strerror(errno));
    if (mprotect((char *)base + guard, size, PROT_READ | PROT_WRITE) != 0) {
        int e = errno;
        munmap(base, size + guard);
        weft__resource_error("cannot map a task stack of %zu KiB for task %d (mprotect: %s): lower --stack-size or "
                             "the number of tasks, or raise the memory limit",
                             size / 1024, R->ntasks, strerror(e));
    }
    s = malloc(sizeof *s);
    if (!s)
        weft__out_of_memory("the stack pool");
    if (R->nstacks == R->stacks_cap) {
        int cap = R->stacks_cap ? 2 * R->stacks_cap : 16;
        weft__stack **all = realloc(R->all_stacks, sizeof *all * (size_t)cap);
        if (!all) {
            free(s);
            weft__out_of_memory("the stack pool");
        }
        R->all_stacks = all;
        R->stacks_cap = cap;
    }
    s->base = base;
    s->lo = (char *)base + guard;
    s->size = size;
    s->next_free = NULL;
    s->vg_id = 0;
#ifdef HAVE_VALGRIND
    s->vg_id = VALGRIND_STACK_REGISTER((char *)base + guard, (char *)base + guard + size);
#endif
    R->all_stacks[R->nstacks++] = s;
    return s;
}

/* Give a stack back to the pool. */
void weft__stack_put(weft__stack *s)
{
    s->next_free = weft__R.free_stacks;
    weft__R.free_stacks = s;
}

/* Unmap every stack (the stack size changed, or the process is done with weft). */
void weft__stack_release_all(void)
{
    weft__rt *R = &weft__R;
    size_t guard = guard_size();
    for (int i = 0; i < R->nstacks; i++) {
        weft__stack *s = R->all_stacks[i];
#ifdef HAVE_VALGRIND
        VALGRIND_STACK_DEREGISTER(s->vg_id);
#endif
        munmap(s->base, s->size + guard);
        free(s);
    }
    R->nstacks = 0;
    R->free_stacks = NULL;
}
