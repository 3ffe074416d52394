/* pool.c: the storage of DPOR's sets (iset): blocks of a power-of-two number of ints carved from large slabs and
 * kept on a free list per size, so that a search's hundreds of thousands of small sets cost no malloc each and
 * lie together in memory; everything goes back to the system when the last search ends. */
#include <stdlib.h>

#include "dpor.h"

#define MIN_SHIFT 2 /* the smallest block: 4 ints */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define MAX_SHIFT 1 /* under AddressSanitizer every block is malloc's, so that it sees each one's bounds */
#else
#define MAX_SHIFT 12 /* blocks up to 4096 ints come from slabs; larger ones from malloc */
#endif
#define SLAB_BYTES (256 * 1024)

/* A slab: its link and the memory blocks are carved from. */
typedef struct slab {
    struct slab *next;
    max_align_t data[];
} slab;

/* Invariant: free[c] lists free blocks of 1 << (c + MIN_SHIFT) ints (the first bytes of a free block hold the
 * link); [cur, end) is the unused part of the newest slab; users counts the searches alive. */
static struct {
    void *free[MAX_SHIFT - MIN_SHIFT + 2];
    char *cur, *end;
    slab *slabs;
    int users;
} pool;

static int class_of(int cap)
{
    return __builtin_ctz((unsigned)cap) - MIN_SHIFT;
}

/* Public to checker/: see dpor.h. */
int *weft__pool_alloc(int cap)
{
    if (cap > 1 << MAX_SHIFT) {
        int *v = malloc(sizeof *v * (size_t)cap);
        if (!v)
            abort();
        return v;
    }
    int c = class_of(cap);
    if (pool.free[c]) {
        void *b = pool.free[c];
        pool.free[c] = *(void **)b;
        return b;
    }
    size_t bytes = sizeof(int) * (size_t)cap;
    if ((size_t)(pool.end - pool.cur) < bytes) {
        slab *s = malloc(sizeof *s + SLAB_BYTES);
        if (!s)
            abort();
        s->next = pool.slabs;
        pool.slabs = s;
        pool.cur = (char *)s->data; /* the tail of the previous slab is left: at most one block's worth */
        pool.end = pool.cur + SLAB_BYTES;
    }
    void *b = pool.cur;
    pool.cur += bytes;
    return b;
}

/* Public to checker/: see dpor.h. */
void weft__pool_free(int *v, int cap)
{
    if (!v || cap == 0)
        return;
    if (cap > 1 << MAX_SHIFT) {
        free(v);
        return;
    }
    int c = class_of(cap);
    *(void **)v = pool.free[c];
    pool.free[c] = v;
}

/* Public to checker/: see dpor.h. */
void weft__pool_use(bool on)
{
    if (on) {
        pool.users++;
        return;
    }
    if (--pool.users > 0)
        return;
    while (pool.slabs) {
        slab *s = pool.slabs;
        pool.slabs = s->next;
        free(s);
    }
    for (int c = 0; c <= MAX_SHIFT - MIN_SHIFT; c++)
        pool.free[c] = NULL;
    pool.cur = pool.end = NULL;
}
