/* waitq.c: the one blocking mechanism: when a wait clause is ready, and who a rendezvous pairs with. */
#include "rt.h"

/* The task parked longest (Go's FIFO wait queues) other than `except` with a clause of `kind` (SEND or RECV)
 * on channel c; *clause receives that clause's index. NULL when there is none. */
weft__task *weft__partner(const weft_chan *c, int kind, const weft__task *except, int *clause)
{
    weft__rt *R = &weft__R;
    weft__task *best = NULL;
    if (!c->parked[kind == WEFT__CL_RECV])
        return NULL;
    for (int i = 0, na = weft__alive(); i < na; i++) {
        weft__task *u = R->tasks[R->alive[i]];
        if (u->state != WEFT__T_PENDING || !u->parked || u == except)
            continue;
        for (int j = 0; j < u->ncl; j++) {
            if (u->cl[j].kind == kind && u->cl[j].obj == c) {
                if (!best || u->arrival < best->arrival) {
                    best = u;
                    *clause = j;
                }
                break;
            }
        }
    }
    return best;
}

int64_t weft__clock_now(void) WEFT__HIDDEN;

/* Whether clause c of task t could proceed now. */
bool weft__clause_ready(const weft__task *t, const weft__clause *c)
{
    switch (c->kind) {
    case WEFT__CL_ALWAYS:
        return true;
    case WEFT__CL_SEND:
    case WEFT__CL_RECV:
        /* a channel operation can always be taken: it completes or parks; a parked one waits for a partner */
        return c->obj && !t->parked;
    case WEFT__CL_LOCK:
        return !((const weft_mutex *)c->obj)->locked;
    case WEFT__CL_WLOCK:
        return !((const weft_rwmutex *)c->obj)->wslot;
    case WEFT__CL_WDRAIN:
        return ((const weft_rwmutex *)c->obj)->readers == 0;
    case WEFT__CL_ONCE: {
        const weft_once *o = c->obj;
        return o->done || !o->running;
    }
    case WEFT__CL_SLEEP:
        return weft__clock_now() >= c->deadline;
    case WEFT__CL_PARKED:
    case WEFT__CL_NEVER:
    default:
        return false;
    }
}

/* Whether t's pending step can be taken now (any clauses; weft__task_enabled handles one simple clause). */
bool weft__task_enabled_slow(const weft__task *t)
{
    if (t->has_default)
        return true;
    for (int i = 0; i < t->ncl; i++)
        if (weft__clause_ready(t, &t->cl[i]))
            return true;
    return false;
}
