/* double_lock.c: a method that holds a mutex calls another method that locks it again (Go mutexes are not reentrant). */
#include "model.h"

typedef struct cache {
    weft_mutex *mu;
    int entries; /* guarded by mu */
} cache;

/* func (c *cache) Set(k, v) { c.mu.Lock(); defer c.mu.Unlock(); c.setLocked(k, v) } */
static void cache_set(cache *c)
{
    weft_mutex_lock(c->mu);
    c->entries++;
    weft_mutex_unlock(c->mu);
}

/* func (c *cache) Get(k) { c.mu.Lock(); defer c.mu.Unlock(); if miss { c.Set(k, load(k)) } } */
static void cache_get_relocks(cache *c)
{
    weft_mutex_lock(c->mu);
    if (c->entries == 0)
        cache_set(c); /* locks c.mu again, while holding it */
    weft_mutex_unlock(c->mu);
}

static cache *new_cache(void)
{
    cache *c = weft_alloc(sizeof *c);
    c->mu = weft_mutex_make();
    weft_name(c->mu, "cache.mu");
    return c;
}

WEFT_MODEL(double_lock_deadlock, .category = "locks", .expect = WEFT_DEADLOCK,
           .summary = "Get holds cache.mu and, on a miss, calls Set, which locks cache.mu again",
           .pattern = "A cache's Get locks the cache's mutex and, on a miss, calls the public Set to fill the "
                      "entry; Set locks the same mutex. Go's sync.Mutex is not reentrant, so the goroutine waits "
                      "for a lock it holds itself, forever; every other user of the cache then blocks behind it.",
           .fix = "Split each method into a public one that locks and an unexported setLocked that expects the "
                  "lock held; call setLocked from Get.",
           .pair = "double_lock_fixed")
{
    cache *c = new_cache();
    WEFT_GO(cache_set, c);
    cache_get_relocks(c);
}

static void cache_set_locked(cache *c)
{
    c->entries++; /* caller holds c.mu */
}

static void cache_get(cache *c)
{
    weft_mutex_lock(c->mu);
    if (c->entries == 0)
        cache_set_locked(c);
    weft_mutex_unlock(c->mu);
}

WEFT_MODEL(double_lock_fixed, .category = "locks", .expect = WEFT_OK,
           .summary = "Get calls setLocked, which expects cache.mu to be held",
           .pattern = "The same cache; on a miss Get fills the entry through setLocked, which does not lock.",
           .fix = "Each mutex is locked once per call chain: the *Locked naming convention makes it visible.",
           .pair = "double_lock_deadlock")
{
    cache *c = new_cache();
    WEFT_GO(cache_set, c);
    cache_get(c);
}
