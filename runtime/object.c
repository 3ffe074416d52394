/* object.c: the header every weft object carries: kind, generation, per-kind id, labels. */
#include <stdarg.h>
#include <string.h>

#include "rt.h"

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

/* A new zeroed object of `kind` in the execution's arena, with its header filled in. */
void *weft__obj_make(int kind, size_t size, const char *file, int line)
{
    weft__obj *h = weft__arena_alloc(size);
    h->magic = WEFT__MAGIC | (uint32_t)kind;
    h->gen = weft__R.gen;
    h->kind = kind;
    h->id = ++weft__R.ids[kind];
    h->file = file;
    h->line = line;
    return h;
}

/* Refuse a handle that is not a live object of `kind` made in this execution (usage error). */
void weft__obj_check(const void *obj, int kind, const char *call, const char *file, int line)
{
    const weft__obj *h = obj;
    if (WEFT__UNLIKELY(!h))
        weft__usage(call, file, line, "NULL %s handle", weft__kind_name(kind));
    if (WEFT__UNLIKELY(h->magic != (WEFT__MAGIC | (uint32_t)kind) || h->kind != kind))
        weft__usage(call, file, line, "the handle is not a %s", weft__kind_name(kind));
    if (WEFT__UNLIKELY(h->gen != weft__R.gen))
        weft__usage(call, file, line, "the %s was made by an earlier execution (handles live for one execution)",
                    weft__kind_name(kind));
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
