/* object.c: weft objects: their memory (an address never reused), their header and its check, their labels. */
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "rt.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND 1
#endif
#endif

#define uthash_malloc(sz) weft__arena_alloc(sz)
#define uthash_free(ptr, sz) ((void)(ptr), (void)(sz))
#define uthash_fatal(msg) abort()
#include <stdlib.h>
#include <uthash.h>

/* A label given with weft_name, keyed by address (lookups only: no order depends on it). */
typedef struct weft__name {
    const void *key;
    const char *name;
    UT_hash_handle hh;
} weft__name;

static const char *const kind_names[WEFT__K_COUNT] = {
    "object", "chan", "mutex", "rwmutex", "waitgroup", "once", "cond", "timer", "ticker", "context",
};

/* The report name of an object kind ("chan", "mutex", ...). */
const char *weft__kind_name(int kind)
{
    return kind > 0 && kind < WEFT__K_COUNT ? kind_names[kind] : "object";
}

/*
 * Where objects live. A handle kept from an earlier execution must be refused whatever its memory holds now,
 * and an execution that re-runs the same code makes the same objects in the same order: had they the same
 * addresses, a stale handle would name a live object of the new execution (a mutex of another purpose: a
 * bogus DEADLOCK). So objects never reuse an address: they come from one large reservation of address space
 * (MAP_NORESERVE: only the pages touched take memory) filled in order across executions, and the running
 * execution's objects are exactly those in [lo, cursor). A handle in the reservation but outside that range is
 * stale: it is refused without reading its memory. The pages of past executions are given back in batches
 * (one madvise per RELEASE bytes of objects: no syscall per execution). After the whole reservation has been
 * used (64 GiB of objects), the cursor starts over: only a handle kept from that long ago could alias. Without
 * a reservation (mmap refused), objects come from the arena, which then alternates between two sets of chunks
 * (arena.c): the header's generation catches a handle from the previous execution, not from older ones.
 */
#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif
#define RESERVE ((size_t)64 << 30)
#define RELEASE ((size_t)8 << 20)
#define PAGE ((size_t)1 << 16) /* a multiple of any page size */

static struct objmem {
    char *base;        /* the reservation, or NULL */
    size_t size;
    size_t cursor;     /* next free byte */
    size_t lo;         /* the running execution's first object */
    size_t released;   /* pages below this (PAGE-aligned) have been given back */
    size_t largest;    /* the most object bytes one execution has used */
    uint32_t gen;      /* the execution [lo, cursor) belongs to */
    bool tried;        /* the reservation was attempted */
} om;

static void reserve(void)
{
    om.tried = true;
    size_t most = RESERVE;
#ifdef HAVE_VALGRIND
    if (RUNNING_ON_VALGRIND) /* its leak check reads every readable page of a mapping: keep this one small */
        most = (size_t)256 << 20;
#endif
    struct rlimit as;
    if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY && as.rlim_cur / 8 < most)
        most = as.rlim_cur / 8; /* under a limit on address space, leave most of it to stacks and arenas */
    for (size_t size = most; size >= ((size_t)64 << 20); size /= 4) {
        void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
            madvise(p, size, MADV_HUGEPAGE); /* a page fault per 2 MiB of objects, not per 4 KiB */
#endif
            om.base = p;
            om.size = size;
            return;
        }
    }
}

static void give_back(size_t from, size_t to)
{
    if (to > from)
        madvise(om.base + from, to - from, MADV_DONTNEED);
}

/* The first object of a new execution: its range starts at the cursor; past executions' pages go back in
 * batches; near the end of the reservation, start over. */
static void objmem_begin(uint32_t gen)
{
    if (!om.tried)
        reserve();
    if (om.gen && om.cursor - om.lo > om.largest)
        om.largest = om.cursor - om.lo;
    om.gen = gen;
    if (!om.base)
        return;
    size_t done = om.cursor & ~(PAGE - 1);
    if (done - om.released >= RELEASE) {
        give_back(om.released, done);
        om.released = done;
    }
    if (om.size - om.cursor < 4 * om.largest + RELEASE) {
        give_back(om.released, om.size);
        om.cursor = om.released = 0;
    }
    om.lo = om.cursor;
}

static void *objmem_alloc(size_t n)
{
    if (WEFT__UNLIKELY(om.gen != weft__R.gen))
        objmem_begin(weft__R.gen);
    size_t need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (WEFT__UNLIKELY(!om.base || om.size - om.cursor < need))
        return weft__arena_alloc(n);
    void *p = om.base + om.cursor;
    om.cursor += need;
    weft__R.obj_lo = om.base + om.lo; /* weft__obj_check's fast path */
    weft__R.obj_hi = om.base + om.cursor;
    memset(p, 0, n);
    return p;
}

/* Whether objects live apart from the arena, at addresses never reused (false until the first object is made,
 * and when the reservation was refused). */
bool weft__obj_apart(void)
{
    return om.base != NULL;
}

/* A new zeroed object of `kind`, at an address no other execution's object ever had, with its header. */
void *weft__obj_make(int kind, size_t size, const char *file, int line)
{
    weft__obj *h = objmem_alloc(size);
    h->magic = WEFT__MAGIC | (uint32_t)kind;
    h->gen = weft__R.gen;
    h->kind = kind;
    h->id = ++weft__R.ids[kind];
    h->file = file;
    h->line = line;
    return h;
}

/* weft__obj_check's verdict on a handle it did not pass: the first check it fails, as a usage error. */
static __attribute__((noinline, cold)) void refuse(const void *obj, int kind, const char *call, const char *file,
                                                   int line)
{
    const weft__obj *h = obj;
    if (!h)
        weft__usage(call, file, line, "NULL %s handle", weft__kind_name(kind));
    size_t off = (size_t)((uintptr_t)obj - (uintptr_t)om.base);
    if (off < om.size && (om.gen != weft__R.gen || off < om.lo || off >= om.cursor))
        goto stale;
    if (h->magic != (WEFT__MAGIC | (uint32_t)kind) || h->kind != kind)
        weft__usage(call, file, line, "the handle is not a %s", weft__kind_name(kind));
    if (h->gen != weft__R.gen)
        goto stale;
    return;
stale:
    weft__usage(call, file, line, "the %s was made by an earlier execution (handles live for one execution)",
                weft__kind_name(kind));
}

/* weft__obj_check for a handle outside [R->obj_lo, R->obj_hi) or whose header does not pass: refuse it unless it is
 * a live object of `kind` made in this execution (from the arena). O(1), and a stale handle's memory is never
 * read. */
void weft__obj_check_slow(const void *obj, int kind, const char *call, const char *file, int line)
{
    const weft__obj *h = obj;
    size_t off = (size_t)((uintptr_t)obj - (uintptr_t)om.base);
    bool live = off < om.size ? om.gen == weft__R.gen && off >= om.lo && off < om.cursor : h != NULL;
    if (WEFT__UNLIKELY(!live || h->magic != (WEFT__MAGIC | (uint32_t)kind) || h->kind != kind ||
                       h->gen != weft__R.gen))
        refuse(obj, kind, call, file, line);
}

/* Public: label obj (any weft object, or any address given to weft_touch) in reports. */
void weft_name_at(const void *obj, const char *name, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_name", file, line);
    if (!obj)
        weft__usage("weft_name", file, line, "NULL object");
    weft__name *n;
    HASH_FIND_PTR(weft__R.names, &obj, n);
    if (!n) {
        n = weft__arena_alloc(sizeof *n);
        n->key = obj;
        HASH_ADD_PTR(weft__R.names, key, n);
    }
    size_t len = name ? strlen(name) : 0;
    char *copy = weft__arena_alloc(len + 1);
    if (len)
        memcpy(copy, name, len);
    n->name = copy;
}

/* Public: weft_name without a call site. */
void(weft_name)(const void *obj, const char *name)
{
    weft_name_at(obj, name, NULL, 0, NULL);
}

/* The label given to obj with weft_name, or NULL. */
const char *weft__name_of(const void *obj)
{
    weft__name *n;
    HASH_FIND_PTR(weft__R.names, &obj, n);
    return n ? n->name : NULL;
}

/* Forget every label (their memory goes with the arena). */
void weft__names_reset(void)
{
    weft__R.names = NULL;
}
