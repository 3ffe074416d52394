/* footprint.c: what a pending step may touch, as small integer keys, for partial-order reduction. */
#include <string.h>

#include "rt.h"

#define uthash_malloc(sz) weft__arena_alloc(sz)
#define uthash_free(ptr, sz) ((void)(ptr), (void)(sz))
#define uthash_fatal(msg) abort()
#include <stdlib.h>
#include <uthash.h>

/* A touched address and its per-execution number (lookups only: no order depends on the hash). */
typedef struct weft__addr {
    const void *key;
    int id;
    UT_hash_handle hh;
} weft__addr;

#define KEY(kind, id) (((kind) << 26) | ((id) & ((1 << 26) - 1)))
#define KIND_ADDR 31

static int obj_key(const void *obj)
{
    const weft__obj *h = obj;
    return KEY(h->kind, h->id);
}

static int addr_key(const void *addr)
{
    weft__rt *R = &weft__R;
    weft__addr *a;
    HASH_FIND_PTR(R->addrs, &addr, a);
    if (!a) {
        a = weft__arena_alloc(sizeof *a);
        a->key = addr;
        a->id = ++R->naddrs;
        HASH_ADD_PTR(R->addrs, key, a);
    }
    return KEY(KIND_ADDR, a->id);
}

static int add(int *keys, int n, int cap, int k)
{
    for (int i = 0; i < n; i++)
        if (keys[i] == k)
            return n;
    if (n < cap)
        keys[n++] = k;
    return n;
}

/* A step on channel c may complete a select parked on c, which leaves every other channel of that select
 * too: those channels are part of the step's footprint. */
static int parked_select_keys(const weft_chan *c, const weft__task *self, int *keys, int n, int cap)
{
    weft__rt *R = &weft__R;
    for (int i = 0, na = weft__alive(); i < na && n < cap; i++) {
        const weft__task *u = R->tasks[R->alive[i]];
        if (u == self || u->state != WEFT__T_PENDING || !u->parked || u->ncl < 2)
            continue;
        bool on = false;
        for (int j = 0; j < u->ncl; j++)
            on |= u->cl[j].obj == c;
        if (!on)
            continue;
        for (int j = 0; j < u->ncl; j++)
            if (u->cl[j].obj)
                n = add(keys, n, cap, obj_key(u->cl[j].obj));
    }
    return n;
}

static int ctx_keys(const struct weft_ctx *c, int *keys, int n, int cap)
{
    n = add(keys, n, cap, obj_key(c));
    if (c->done) {
        n = add(keys, n, cap, obj_key(c->done));
        n = parked_select_keys(c->done, NULL, keys, n, cap);
    }
    for (const struct weft_ctx *k = c->child; k; k = k->sibling)
        n = ctx_keys(k, keys, n, cap);
    return n;
}

/* The keys of the objects task `id`'s pending step may read or change (at most cap; -1 when it would need
 * more: then it must be taken as dependent on everything). Two steps with no key in common commute. */
int weft__footprint(int id, int *keys, int cap)
{
    const weft__task *t = weft__R.tasks[id];
    int n = 0;
    /* A poll that finds nothing changes who may run next (fairness): its order with every other step
     * matters, so it is dependent on everything. */
    const char *op = t->op; /* compared by first letter before the whole name: this runs at every step */
    if (t->has_default || (op[0] == 'y' && !strcmp(op, "yield")) || (op[0] == 'm' && !strcmp(op, "mutex_trylock")) ||
        (op[0] == 'r' && !strncmp(op, "rwmutex_try", 11)))
        return -1;
    bool touch = op[0] == 't' && !strcmp(op, "touch");
    bool cancel = op[0] == 'c' && !strcmp(op, "ctx_cancel");
    bool cond_wait = op[0] == 'c' && !strcmp(op, "cond_wait");
    for (int i = 0; i < t->ncl; i++) {
        const weft__clause *c = &t->cl[i];
        if (!c->obj)
            continue;
        if (c->kind == WEFT__CL_ALWAYS && touch) {
            n = add(keys, n, cap, addr_key(c->obj));
            continue;
        }
        const weft__obj *h = c->obj;
        if (h->kind == WEFT__K_CTX && cancel)
            n = ctx_keys(c->obj, keys, n, cap);
        else if (h->kind == WEFT__K_TICKER)
            n = add(keys, n, cap, obj_key(&((const struct weft_ticker *)c->obj)->t));
        else
            n = add(keys, n, cap, obj_key(c->obj));
        if (h->kind == WEFT__K_CHAN)
            n = parked_select_keys(c->obj, t, keys, n, cap);
        if (h->kind == WEFT__K_COND && cond_wait)
            n = add(keys, n, cap, obj_key(((const struct weft_cond *)c->obj)->lock));
        if (n >= cap)
            return -1;
    }
    return n;
}

/* Whether task id's footprint stays what weft__footprint said until the task moves, is woken, or a select
 * parks or unparks (R->select_epoch): all but ctx_cancel, whose footprint follows the context tree. */
bool weft__footprint_cacheable(int id)
{
    const char *op = weft__R.tasks[id]->op;
    return !(op[0] == 'c' && !strcmp(op, "ctx_cancel"));
}
