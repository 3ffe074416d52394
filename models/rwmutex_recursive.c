/* rwmutex_recursive.c: a reader takes the read lock twice while a writer waits in between (DEADLOCK); and the fix. */
#include "model.h"

typedef struct registry {
    weft_rwmutex *mu;
    int services; /* guarded by mu */
} registry;

/* func (r *Registry) Count() int { r.mu.RLock(); defer r.mu.RUnlock(); return r.services } */
static int registry_count(registry *r)
{
    weft_rwmutex_rlock(r->mu);
    int n = r->services;
    weft_rwmutex_runlock(r->mu);
    return n;
}

/* func (r *Registry) Snapshot() { r.mu.RLock(); defer r.mu.RUnlock(); n := r.Count(); ... } */
static int registry_snapshot(registry *r)
{
    weft_rwmutex_rlock(r->mu);
    int n = registry_count(r); /* a second RLock while holding the first */
    weft_rwmutex_runlock(r->mu);
    return n;
}

/* func (r *Registry) Register() { r.mu.Lock(); r.services++; r.mu.Unlock() } */
static void registry_register(registry *r)
{
    weft_rwmutex_lock(r->mu);
    r->services++;
    weft_rwmutex_unlock(r->mu);
}

static registry *new_registry(void)
{
    registry *r = weft_alloc(sizeof *r);
    r->mu = weft_rwmutex_make();
    weft_name(r->mu, "registry.mu");
    return r;
}

WEFT_MODEL(rwmutex_recursive_deadlock, .category = "locks", .expect = WEFT_DEADLOCK,
           .summary = "Snapshot holds the read lock and calls Count, which read-locks again; a writer arrives between",
           .pattern = "A registry's Snapshot takes the read lock and calls Count, which takes the read lock "
                      "again. That usually works, since readers share the lock. But if Register calls Lock between "
                      "the two RLocks, Go's RWMutex makes new readers wait behind the waiting writer (so writers "
                      "are not starved), while the writer waits for the first read lock to be released. The reader "
                      "waits for the writer, the writer for the reader: deadlock.",
           .fix = "Never re-acquire a read lock you hold: have Snapshot call an unexported countLocked that "
                  "expects the lock held.",
           .pair = "rwmutex_recursive_fixed")
{
    registry *r = new_registry();
    WEFT_GO(registry_register, r);
    registry_snapshot(r);
}

static int registry_count_locked(registry *r)
{
    return r->services; /* caller holds r.mu */
}

static int registry_snapshot_fixed(registry *r)
{
    weft_rwmutex_rlock(r->mu);
    int n = registry_count_locked(r);
    weft_rwmutex_runlock(r->mu);
    return n;
}

WEFT_MODEL(rwmutex_recursive_fixed, .category = "locks", .expect = WEFT_OK,
           .summary = "Snapshot calls countLocked, which expects the read lock held",
           .pattern = "The same registry; Snapshot reads the count through countLocked and takes the read lock "
                      "once; a concurrent Register and Count also run.",
           .fix = "One read lock per call chain: a waiting writer can only delay the reader, not block it "
                  "for ever.",
           .pair = "rwmutex_recursive_deadlock")
{
    registry *r = new_registry();
    WEFT_GO(registry_register, r);
    WEFT_GO(registry_count, r);
    registry_snapshot_fixed(r);
}
