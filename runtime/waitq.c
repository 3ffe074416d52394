/* waitq.c: the one blocking mechanism: per-object waiter lists, when a clause is ready, the enabled set. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* The pending task that is partner number j (from 0) for a rendezvous offering a clause of `kind` (SEND or RECV)
 * on channel c: the tasks at a channel operation without default that offer `kind` on c (a task that polls never
 * waits, so nobody pairs with it), in task id order, each once (a select may name c twice: its first clause of
 * `kind` is the one paired with, and its index goes to *clause). NULL if there are not j + 1 of them. Walks c's
 * waiter list up to that partner only: the count of partners is c->offerers, kept as offers come and go. */
weft__task *weft__partner(const weft_chan *c, int kind, int j, int *clause)
{
    const weft__task *last = NULL;
    for (const weft__clause *w = c->h.wq_head; w; w = w->wq_next) {
        weft__task *u = w->task;
        if (w->kind != kind || u == last || u->state != WEFT__T_PENDING || !u->offers)
            continue;
        last = u;
        if (j-- == 0) {
            *clause = (int)(w - u->cl);
            return u;
        }
    }
    return NULL;
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
 * are linked in index order). The place is looked for from both ends at once: a task with the highest or the
 * lowest id (arrivals mostly come in id order; the test body, task 0, waits among its workers) links in O(1). */
static inline void link_clause(weft__task *t, weft__clause *c)
{
    weft__obj *o = c->obj;
    weft__clause *p = o->wq_tail; /* becomes the last clause of a task with id <= t's, or NULL */
    int id = t->id;
    if (p && p->task->id > id) {
        weft__clause *q = o->wq_head;
        if (q->task->id > id) {
            p = NULL;
        } else { /* head <= id < tail: both walks stop inside the list */
            for (;;) {
                p = p->wq_prev;
                if (p->task->id <= id)
                    break;
                q = q->wq_next;
                if (q->task->id > id) {
                    p = q->wq_prev;
                    break;
                }
            }
        }
    }
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

static inline void unlink_clause(weft__clause *c)
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

/* Room in the enabled set for task ids below ntasks (called as tasks are made; grows, then is kept). */
void weft__en_reserve(int ntasks)
{
    weft__rt *R = &weft__R;
    if (ntasks <= R->en_words * 64)
        return;
    int words = R->en_words ? 2 * R->en_words : 64;
    while (words * 64 < ntasks)
        words *= 2;
    uint64_t *bits = realloc(R->en_bits, sizeof *bits * (size_t)words);
    if (bits)
        R->en_bits = bits;
    uint64_t *sum = bits ? realloc(R->en_sum, sizeof *sum * (size_t)(words / 64)) : NULL;
    if (sum)
        R->en_sum = sum;
    int *off = sum ? realloc(R->went_off, sizeof *off * (size_t)words * 64) : NULL;
    if (!off)
        weft__out_of_memory("the enabled set");
    R->went_off = off;
    memset(R->en_bits + R->en_words, 0, sizeof *bits * (size_t)(words - R->en_words));
    memset(R->en_sum + R->en_words / 64, 0, sizeof *sum * (size_t)((words - R->en_words) / 64));
    R->en_words = words;
}

/* weft__park_clauses for any clauses. */
static __attribute__((noinline)) void park_each(weft__task *t)
{
    weft__clause *cl = t->cl;
    int k = 0;
    for (int i = 0, n = t->ncl; i < n; i++) {
        weft__clause *c = &cl[i];
        if (waits_on_obj(t, c)) {
            link_clause(t, c);
            k++;
        } else if (c->kind == WEFT__CL_SLEEP && c->deadline > weft__R.now) {
            weft__sleep_arm(t, c->deadline);
        }
    }
    t->nlinked = k;
}

/* Link the clauses of pending task t that wait on an object into their waiter lists, and arm its sleep. */
void weft__park_clauses(weft__task *t)
{
    if (t->ncl == 1 && waits_on_obj(t, t->cl)) { /* the common case: one clause, on an object */
        link_clause(t, t->cl);
        t->nlinked = 1;
        return;
    }
    park_each(t);
}

/* Take the clauses of task t out of the waiter lists (it is no longer pending, and t->nlinked > 0 of them are
 * linked). */
void weft__unlink_clauses(weft__task *t)
{
    weft__clause *cl = t->cl;
    if (t->ncl == 1) { /* the common case: its one clause, which is linked */
        unlink_clause(cl);
    } else {
        for (int i = 0, k = t->nlinked; k > 0; i++) {
            if (cl[i].task == t) {
                unlink_clause(&cl[i]);
                k--;
            }
        }
    }
    t->nlinked = 0;
}

/* weft__settle's work: look again at the waiters of every object whose state changed (weft__changed) since the
 * last time. The cost is the number of tasks waiting on those objects, not the number of tasks. */
void weft__settle_dirty(void)
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
    for (int s = 0; R->nen > 0 && s < R->en_words / 64; s++) { /* clear what the last execution left set */
        for (uint64_t sum = R->en_sum[s]; sum; sum &= sum - 1)
            R->en_bits[s * 64 + __builtin_ctzll(sum)] = 0;
        R->en_sum[s] = 0;
    }
    R->nen = 0;
    R->dirty = NULL;
    R->nsleepers = 0;
}
