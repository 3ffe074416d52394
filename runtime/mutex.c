/* mutex.c: sync.Mutex: not reentrant, may be unlocked by another task, barging allowed. */
#include "rt.h"

/* Public: a new unlocked mutex. */
weft_mutex *weft_mutex_make_at(const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_mutex_make", file, line);
    weft_mutex *m = weft__obj_make(WEFT__K_MUTEX, sizeof *m, file, line);
    m->holder = -1;
    return m;
}

static void check(weft_mutex *m, const char *call, const char *file, int line)
{
    weft__require(call, file, line);
    weft__obj_check(m, WEFT__K_MUTEX, call, file, line);
}

static void take(weft_mutex *m, const char *file, int line)
{
    m->locked = true;
    weft__changed(m);
    m->holder = weft__R.cur->id;
    m->lock_file = file;
    m->lock_line = line;
}

/* Release m (the step is already taken); panics as Go when it is not locked. */
void weft__mutex_release(weft_mutex *m, const char *file, int line)
{
    if (!m->locked)
        weft__fail(WEFT_PANIC, file, line, "sync: unlock of unlocked mutex");
    m->locked = false;
    weft__changed(m);
    m->holder = -1;
}

/* Lock m for the running task as the step `op` (its own step; waits while another holds it). */
void weft__mutex_lock(weft_mutex *m, int op, const char *file, int line)
{
    weft__clause cl = {.kind = WEFT__CL_LOCK, .obj = m};
    weft__wait(op, &cl, 1, false, file, line);
    take(m, file, line);
}

/* Public: lock m, blocking while another holds it. */
void weft_mutex_lock_at(weft_mutex *m, const char *file, int line, const char *func)
{
    (void)func;
    check(m, "weft_mutex_lock", file, line);
    weft__mutex_lock(m, WEFT__OP_MUTEX_LOCK, file, line);
}

/* Public: unlock m (any task may). */
void weft_mutex_unlock_at(weft_mutex *m, const char *file, int line, const char *func)
{
    (void)func;
    check(m, "weft_mutex_unlock", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = m};
    weft__wait(WEFT__OP_MUTEX_UNLOCK, &cl, 1, false, file, line);
    weft__mutex_release(m, file, line);
}

/* Public: lock m if it is free; a failure counts as polling. */
bool weft_mutex_trylock_at(weft_mutex *m, const char *file, int line, const char *func)
{
    (void)func;
    check(m, "weft_mutex_trylock", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = m};
    weft__wait(WEFT__OP_MUTEX_TRYLOCK, &cl, 1, false, file, line);
    if (m->locked) {
        weft__poll_failed();
        return false;
    }
    take(m, file, line);
    return true;
}
