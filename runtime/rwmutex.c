/* rwmutex.c: sync.RWMutex with Go's writer preference: once a writer waits, new readers block. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* Public: a new unlocked RWMutex. */
weft_rwmutex *weft_rwmutex_make_at(const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_rwmutex_make", file, line);
    weft_rwmutex *m = weft__obj_make(WEFT__K_RWMUTEX, sizeof *m, file, line);
    m->wtask = -1;
    return m;
}

static void check(weft_rwmutex *m, const char *call, const char *file, int line)
{
    weft__require(call, file, line);
    weft__obj_check(m, WEFT__K_RWMUTEX, call, file, line);
}

static void add_reader(weft_rwmutex *m, int task)
{
    if (m->readers == m->rcap) {
        int cap = m->rcap ? 2 * m->rcap : 4;
        int *r = weft__arena_alloc(sizeof *r * (size_t)cap);
        if (m->readers)
            memcpy(r, m->rtasks, sizeof *r * (size_t)m->readers);
        m->rtasks = r;
        m->rcap = cap;
    }
    m->rtasks[m->readers++] = task;
    weft__changed(m);
}

/* Drop one read lock: the running task's own if it holds one, else the oldest (Go lets any task RUnlock). */
static void drop_reader(weft_rwmutex *m, int task)
{
    int i = 0;
    for (int j = 0; j < m->readers; j++)
        if (m->rtasks[j] == task) {
            i = j;
            break;
        }
    memmove(m->rtasks + i, m->rtasks + i + 1, sizeof *m->rtasks * (size_t)(m->readers - i - 1));
    m->readers--;
    weft__changed(m);
}

/* qsort: tasks by arrival (unique: no two tasks arrive at once), oldest first. */
static int by_arrival(const void *a, const void *b)
{
    const weft__task *t = *(weft__task *const *)a, *u = *(weft__task *const *)b;
    return (t->arrival > u->arrival) - (t->arrival < u->arrival);
}

/* Take the writer slot and announce the writer (the step is taken); returns true when no reader is active. */
static bool writer_announce(weft_rwmutex *m, const char *file, int line)
{
    m->wslot = true;
    weft__changed(m);
    m->wtask = weft__R.cur->id;
    m->wfile = file;
    m->wline = line;
    m->writer = m->readers == 0;
    return m->writer;
}

/* Acquire the write side for the running task (its own steps). */
void weft__rw_lock(weft_rwmutex *m, const char *file, int line)
{
    weft__clause cl = {.kind = WEFT__CL_WLOCK, .obj = m};
    weft__wait(WEFT__OP_RW_LOCK, &cl, 1, false, file, line);
    if (writer_announce(m, file, line))
        return;
    weft__clause drain = {.kind = WEFT__CL_WDRAIN, .obj = m};
    weft__wait(WEFT__OP_RW_DRAIN, &drain, 1, false, file, line);
    m->writer = true;
}

/* Release the write side (the step is taken): parked readers get the lock, then the writer slot frees. */
void weft__rw_unlock(weft_rwmutex *m, const char *file, int line)
{
    if (!m->writer)
        weft__fail(WEFT_PANIC, file, line, "sync: Unlock of unlocked RWMutex");
    m->writer = false;
    m->wslot = false;
    m->wtask = -1;
    weft__changed(m);
    if (m->nblocked == 0)
        return;
    /* wake parked readers oldest first (from m's waiter list); each now holds a read lock */
    weft__task *local[16], **parked = local;
    int n = 0;
    for (const weft__clause *w = m->h.wq_head; w; w = w->wq_next)
        n += w->kind == WEFT__CL_PARKED;
    if (n > 16)
        parked = weft__arena_alloc(sizeof *parked * (size_t)n);
    n = 0;
    for (const weft__clause *w = m->h.wq_head; w; w = w->wq_next)
        if (w->kind == WEFT__CL_PARKED)
            parked[n++] = w->task;
    qsort(parked, (size_t)n, sizeof *parked, by_arrival);
    for (int i = 0; i < n && m->nblocked > 0; i++) {
        add_reader(m, parked[i]->id);
        m->nblocked--;
        weft__wake(parked[i], 0);
    }
}

/* Acquire a read lock for the running task (its own steps). */
void weft__rw_rlock(weft_rwmutex *m, const char *file, int line)
{
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = m};
    weft__wait(WEFT__OP_RW_RLOCK, &cl, 1, false, file, line);
    if (!m->wslot) {
        add_reader(m, weft__R.cur->id);
        return;
    }
    m->nblocked++;
    weft__clause park = {.kind = WEFT__CL_PARKED, .obj = m};
    weft__wait(WEFT__OP_RW_RLOCK_PARKED, &park, 1, false, file, line);
}

/* Release a read lock (the step is taken); panics as Go when none is held. */
void weft__rw_runlock(weft_rwmutex *m, const char *file, int line)
{
    if (m->readers == 0)
        weft__fail(WEFT_PANIC, file, line, "sync: RUnlock of unlocked RWMutex");
    drop_reader(m, weft__R.cur->id);
}

/* Public: acquire the write side; waits for the writer slot, then for active readers to leave. */
void weft_rwmutex_lock_at(weft_rwmutex *m, const char *file, int line, const char *func)
{
    (void)func;
    check(m, "weft_rwmutex_lock", file, line);
    weft__rw_lock(m, file, line);
}

/* Public: release the write side (any task may). */
void weft_rwmutex_unlock_at(weft_rwmutex *m, const char *file, int line, const char *func)
{
    (void)func;
    check(m, "weft_rwmutex_unlock", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = m};
    weft__wait(WEFT__OP_RW_UNLOCK, &cl, 1, false, file, line);
    weft__rw_unlock(m, file, line);
}

/* Public: acquire a read lock; blocks while a writer holds or waits for the lock. */
void weft_rwmutex_rlock_at(weft_rwmutex *m, const char *file, int line, const char *func)
{
    (void)func;
    check(m, "weft_rwmutex_rlock", file, line);
    weft__rw_rlock(m, file, line);
}

/* Public: release a read lock (any task may). */
void weft_rwmutex_runlock_at(weft_rwmutex *m, const char *file, int line, const char *func)
{
    (void)func;
    check(m, "weft_rwmutex_runlock", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = m};
    weft__wait(WEFT__OP_RW_RUNLOCK, &cl, 1, false, file, line);
    weft__rw_runlock(m, file, line);
}

/* Public: take the write side if it is free and no reader holds it; a failure counts as polling. */
bool weft_rwmutex_trylock_at(weft_rwmutex *m, const char *file, int line, const char *func)
{
    (void)func;
    check(m, "weft_rwmutex_trylock", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = m};
    weft__wait(WEFT__OP_RW_TRYLOCK, &cl, 1, false, file, line);
    if (m->wslot || m->readers > 0) {
        weft__poll_failed();
        return false;
    }
    writer_announce(m, file, line);
    return true;
}

/* Public: take a read lock unless a writer holds or waits; a failure counts as polling. */
bool weft_rwmutex_tryrlock_at(weft_rwmutex *m, const char *file, int line, const char *func)
{
    (void)func;
    check(m, "weft_rwmutex_tryrlock", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = m};
    weft__wait(WEFT__OP_RW_TRYRLOCK, &cl, 1, false, file, line);
    if (m->wslot) {
        weft__poll_failed();
        return false;
    }
    add_reader(m, weft__R.cur->id);
    return true;
}
