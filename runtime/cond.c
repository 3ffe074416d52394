/* cond.c: sync.Cond over a mutex, an RWMutex's write side or its read side; FIFO wakeups, none spurious. */
#include <string.h>

#include "rt.h"


enum { LOCK_MUTEX, LOCK_RW, LOCK_RLOCKER };

static weft_cond *make(int kind, void *lock, const char *call, const char *file, int line)
{
    weft__require(call, file, line);
    weft__obj_check(lock, kind == LOCK_MUTEX ? WEFT__K_MUTEX : WEFT__K_RWMUTEX, call, file, line);
    weft_cond *c = weft__obj_make(WEFT__K_COND, sizeof *c, file, line);
    c->lock_kind = kind;
    c->lock = lock;
    return c;
}

/* Public: a condition variable whose lock is mutex m. */
weft_cond *weft_cond_make_at(weft_mutex *m, const char *file, int line, const char *func)
{
    (void)func;
    return make(LOCK_MUTEX, m, "weft_cond_make", file, line);
}

/* Public: a condition variable whose lock is the write side of m. */
weft_cond *weft_cond_make_rw_at(weft_rwmutex *m, const char *file, int line, const char *func)
{
    (void)func;
    return make(LOCK_RW, m, "weft_cond_make_rw", file, line);
}

/* Public: a condition variable whose lock is the read side of m (Go's m.RLocker()). */
weft_cond *weft_cond_make_rlocker_at(weft_rwmutex *m, const char *file, int line, const char *func)
{
    (void)func;
    return make(LOCK_RLOCKER, m, "weft_cond_make_rlocker", file, line);
}

static void check(weft_cond *c, const char *call, const char *file, int line)
{
    weft__require(call, file, line);
    weft__obj_check(c, WEFT__K_COND, call, file, line);
}

/* Public: atomically unlock the lock and wait for Signal or Broadcast, then lock again. */
void weft_cond_wait_at(weft_cond *c, const char *file, int line, const char *func)
{
    (void)func;
    check(c, "weft_cond_wait", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = c};
    weft__wait(WEFT__OP_COND_WAIT, &cl, 1, false, file, line);
    /* release before queueing: a release that panics (lock not held) leaves no phantom waiter behind when the
     * panic is recovered (weft_try) */
    if (c->lock_kind == LOCK_MUTEX)
        weft__mutex_release(c->lock, file, line);
    else if (c->lock_kind == LOCK_RW)
        weft__rw_unlock(c->lock, file, line);
    else
        weft__rw_runlock(c->lock, file, line);
    if (c->nwait == c->wcap) {
        int cap = c->wcap ? 2 * c->wcap : 4;
        int *q = weft__arena_alloc(sizeof *q * (size_t)cap);
        if (c->nwait)
            memcpy(q, c->waitq, sizeof *q * (size_t)c->nwait);
        c->waitq = q;
        c->wcap = cap;
    }
    c->waitq[c->nwait++] = weft__R.cur->id;
    weft__clause park = {.kind = WEFT__CL_PARKED, .obj = c};
    weft__wait(WEFT__OP_COND_PARKED, &park, 1, false, file, line);
    if (c->lock_kind == LOCK_MUTEX)
        weft__mutex_lock(c->lock, WEFT__OP_COND_RELOCK, file, line);
    else if (c->lock_kind == LOCK_RW) {
        weft__rw_lock(c->lock, file, line);
    } else {
        weft__rw_rlock(c->lock, file, line);
    }
}

static void wake_first(weft_cond *c, int n)
{
    weft__rt *R = &weft__R;
    int k = n < c->nwait ? n : c->nwait;
    for (int i = 0; i < k; i++)
        weft__wake(R->tasks[c->waitq[i]], 0);
    if (k == 0)
        return; /* nobody waits (waitq may still be NULL) */
    memmove(c->waitq, c->waitq + k, sizeof *c->waitq * (size_t)(c->nwait - k));
    c->nwait -= k;
}

/* Public: wake the longest-waiting task, if any. */
void weft_cond_signal_at(weft_cond *c, const char *file, int line, const char *func)
{
    (void)func;
    check(c, "weft_cond_signal", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = c};
    weft__wait(WEFT__OP_COND_SIGNAL, &cl, 1, false, file, line);
    wake_first(c, 1);
}

/* Public: wake every waiting task. */
void weft_cond_broadcast_at(weft_cond *c, const char *file, int line, const char *func)
{
    (void)func;
    check(c, "weft_cond_broadcast", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = c};
    weft__wait(WEFT__OP_COND_BROADCAST, &cl, 1, false, file, line);
    wake_first(c, c->nwait);
}
