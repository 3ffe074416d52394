/* waitq.c: the one blocking mechanism: per-object waiter lists, when a clause is ready, the enabled set. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* The pending tasks other than `except` that offer a clause of `kind` (SEND or RECV) on channel c: tasks at a
 * channel operation without default (a task that polls never waits, so nobody pairs with it). At most cap
 * are stored in out[] with their clause index in clauses[], in task id order; returns how many there are.
 * Walks c's waiter list only: the cost is the number of tasks waiting on c. */
int weft__partners(const weft_chan *c, int kind, const weft__task *except, weft__task **out, int *clauses, int cap)
{
    int n = 0;
    if (!c->waiting[kind == WEFT__CL_RECV])
        return 0;
    const weft__task *last = NULL; /* a select may name c twice: its first clause of `kind` counts */
    for (const weft__clause *w = c->h.wq_head; w; w = w->wq_next) {
        weft__task *u = w->task;
        if (w->kind != kind || u == last || u == except || u->state != WEFT__T_PENDING || !u->offers)
            continue;
        last = u;
        if (n < cap) {
            out[n] = u;
            clauses[n] = (int)(w - u->cl);
        }
        n++;
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

/* ---- Waiter lists and the enabled set ------------------------------------------------------------------ */

/* Whether clause c of pending task t waits on its object (is linked into the object's waiter list): a channel
 * clause of an operation without default (a poll is always enabled and pairs with nobody), and every clause
 * that blocks on an object. Sleeps wait on the clock (R->sleepers), ALWAYS and NEVER on nothing. */
static bool waits_on_obj(const weft__task *t, const weft__clause *c)
{
    if (!c->obj)
        return false;
    switch (c->kind) {
    case WEFT__CL_SEND:
    case WEFT__CL_RECV:
        return t->offers;
    case WEFT__CL_LOCK:
    case WEFT__CL_WLOCK:
    case WEFT__CL_WDRAIN:
    case WEFT__CL_PARKED:
    case WEFT__CL_WAIT:
    case WEFT__CL_ONCE:
        return true;
    default:
        return false;
    }
}

/* Link clause c of task t into its object's waiter list, keeping task id then clause order (clauses of a task
 * are linked in index order; arrivals mostly come in id order, so the walk from the tail is short). */
static void link_clause(weft__task *t, weft__clause *c)
{
    weft__obj *o = c->obj;
    weft__clause *p = o->wq_tail;
    while (p && p->task->id > t->id)
        p = p->wq_prev;
    c->task = t;
    c->wq_prev = p;
    c->wq_next = p ? p->wq_next : o->wq_head;
    if (c->wq_next)
        c->wq_next->wq_prev = c;
    else
        o->wq_tail = c;
    if (p)
        p->wq_next = c;
    else
        o->wq_head = c;
}

static void unlink_clause(weft__clause *c)
{
    weft__obj *o = c->obj;
    if (c->wq_prev)
        c->wq_prev->wq_next = c->wq_next;
    else
        o->wq_head = c->wq_next;
    if (c->wq_next)
        c->wq_next->wq_prev = c->wq_prev;
    else
        o->wq_tail = c->wq_prev;
    c->task = NULL;
    c->wq_prev = c->wq_next = NULL;
}

/* Where id is, or would go, in the ascending R->en. */
static int en_pos(int id)
{
    const weft__rt *R = &weft__R;
    int lo = 0, hi = R->nen;
    if (hi > 0 && R->en[hi - 1] < id) /* the common case: the newest task */
        return hi;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (R->en[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void en_insert(int id)
{
    weft__rt *R = &weft__R;
    if (WEFT__UNLIKELY(R->nen == R->en_cap)) { /* grows to the most tasks ever enabled at once, then kept */
        int cap = R->en_cap ? 2 * R->en_cap : 64;
        int *en = realloc(R->en, sizeof *en * (size_t)cap);
        if (!en)
            weft__out_of_memory("the enabled set");
        R->en = en;
        R->en_cap = cap;
    }
    int i = en_pos(id);
    memmove(R->en + i + 1, R->en + i, sizeof *R->en * (size_t)(R->nen - i));
    R->en[i] = id;
    R->nen++;
}

static void en_remove(int id)
{
    weft__rt *R = &weft__R;
    int i = en_pos(id);
    memmove(R->en + i, R->en + i + 1, sizeof *R->en * (size_t)(R->nen - i - 1));
    R->nen--;
}

/* Look at task t again: it is in the enabled set iff it is pending and its step can be taken now. */
void weft__recheck(weft__task *t)
{
    bool want = t->state == WEFT__T_PENDING && weft__task_enabled(t);
    if (want == t->en)
        return;
    t->en = want;
    if (want)
        en_insert(t->id);
    else
        en_remove(t->id);
}

/* Task t (the running task) has just become pending at its step: link the clauses that wait on an object into
 * their waiter lists, arm its sleep, and put it in the enabled set if it can go now. */
void weft__park(weft__task *t)
{
    for (int i = 0; i < t->ncl; i++) {
        weft__clause *c = &t->cl[i];
        if (waits_on_obj(t, c))
            link_clause(t, c);
        else if (c->kind == WEFT__CL_SLEEP && c->deadline > weft__R.now)
            weft__sleep_arm(t, c->deadline);
    }
    weft__recheck(t);
}

/* Task t stops being pending (chosen, or its step completed by another task): out of the waiter lists and of
 * the enabled set. (A sleep left armed is dropped as stale by the clock.) */
void weft__unpark(weft__task *t)
{
    for (int i = 0; i < t->ncl; i++)
        if (t->cl[i].task == t)
            unlink_clause(&t->cl[i]);
    if (t->en) {
        t->en = false;
        en_remove(t->id);
    }
}

/* Before a choice: look again at the waiters of every object whose state changed (weft__changed) since the last
 * time, so that R->en is exactly the pending tasks that can take their step. The cost is the number of tasks
 * waiting on those objects, not the number of tasks. */
void weft__settle(void)
{
    weft__rt *R = &weft__R;
    while (R->dirty) {
        weft__obj *h = R->dirty;
        R->dirty = h->next_dirty;
        h->dirty = false;
        h->next_dirty = NULL;
        for (weft__clause *w = h->wq_head; w; w = w->wq_next)
            weft__recheck(w->task);
    }
}

/* A new execution: no task is pending, no object changed (the last execution's objects are gone). */
void weft__waitq_reset(void)
{
    weft__rt *R = &weft__R;
    R->nen = 0;
    R->dirty = NULL;
    R->nsleepers = 0;
}
