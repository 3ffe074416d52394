/* waitq.c: the one blocking mechanism: when a wait clause is ready, and who a rendezvous pairs with. */
#include "rt.h"

/* The pending tasks other than `except` that offer a clause of `kind` (SEND or RECV) on channel c: tasks at a
 * channel operation without default (a task that polls never waits, so nobody pairs with it). At most cap
 * are stored in out[] with their clause index in clauses[], in task id order; returns how many there are. */
int weft__partners(const weft_chan *c, int kind, const weft__task *except, weft__task **out, int *clauses, int cap)
{
    weft__rt *R = &weft__R;
    int n = 0;
    if (!c->waiting[kind == WEFT__CL_RECV])
        return 0;
    for (int i = 0, na = weft__alive(); i < na; i++) {
        weft__task *u = R->tasks[R->alive[i]];
        if (u->state != WEFT__T_PENDING || !u->offers || u == except)
            continue;
        for (int j = 0; j < u->ncl; j++) {
            if (u->cl[j].kind == kind && u->cl[j].obj == c) {
                if (n < cap) {
                    out[n] = u;
                    clauses[n] = j;
                }
                n++;
                break;
            }
        }
    }
    return n;
}

/* How many of t's own clauses offer `kind` on channel c (a select may name one channel twice). */
static int own(const weft__task *t, const weft_chan *c, int kind)
{
    int n = 0;
    if (!t->offers)
        return 0;
    for (int j = 0; j < t->ncl; j++)
        n += t->cl[j].kind == kind && t->cl[j].obj == c;
    return n;
}

/* Whether channel clause c of pending task t can complete by itself (lazy arrival: a task's arrival at a
 * blocking operation is not a step, so a rendezvous happens when the second of the pair takes its step; the
 * receiver takes it, and a sender only when it polls). Closed: always (a send then panics). Buffered: room
 * to send, an element to receive. Unbuffered: a receive when another task offers a send; a send only as a
 * poll (select with default) against a task offering to receive. */
bool weft__chan_clause_ready(const weft__task *t, const weft__clause *c)
{
    const weft_chan *ch = c->obj;
    if (!ch)
        return false;
    if (ch->closed)
        return true;
    if (c->kind == WEFT__CL_SEND) {
        if (ch->cap)
            return ch->len < ch->cap;
        return t->has_default && ch->waiting[1] > own(t, ch, WEFT__CL_RECV);
    }
    if (ch->cap)
        return ch->len > 0;
    return ch->waiting[0] > own(t, ch, WEFT__CL_SEND);
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
        return weft__chan_clause_ready(t, c);
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
    case WEFT__CL_WAIT:
        return ((const weft_wg *)c->obj)->counter == 0;
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
