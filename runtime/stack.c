/* stack.c: task stacks with a guard page each, mapped once and reused across executions. */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND 1
#endif
#endif

/* A stack for a new task: from the free list, else freshly mapped (only until the pool has grown
 * to the largest number of tasks alive at once). */
weft__stack *weft__stack_get(void)
{
    weft__rt *R = &weft__R;
    weft__stack *s = R->free_stacks;
    if (s) {
        R->free_stacks = s->next_free;
        return s;
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = (R->stack_size + page - 1) & ~(page - 1);
    void *base = mmap(NULL, size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
    if (base == MAP_FAILED) {
        fprintf(stderr, "weft: cannot map a task stack of %zu bytes\n", size);
        abort();
    }
    mprotect(base, page, PROT_NONE); /* the guard page: overflow faults instead of corrupting */
    s = malloc(sizeof *s);
    if (!s || (R->nstacks == R->stacks_cap &&
               !(R->all_stacks = realloc(R->all_stacks, sizeof *R->all_stacks *
                                                            (size_t)(R->stacks_cap = R->stacks_cap ? 2 * R->stacks_cap : 16))))) {
        fprintf(stderr, "weft: out of memory (stack pool)\n");
        abort();
    }
    s->base = base;
    s->lo = (char *)base + page;
    s->size = size;
    s->next_free = NULL;
    s->vg_id = 0;
#ifdef HAVE_VALGRIND
    s->vg_id = VALGRIND_STACK_REGISTER((char *)base + page, (char *)base + page + size);
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
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < R->nstacks; i++) {
        weft__stack *s = R->all_stacks[i];
#ifdef HAVE_VALGRIND
        VALGRIND_STACK_DEREGISTER(s->vg_id);
#endif
        munmap(s->base, s->size + page);
        free(s);
    }
    R->nstacks = 0;
    R->free_stacks = NULL;
}
