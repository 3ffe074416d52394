/* spin.c: fairness for busy-waits: a task that keeps polling in vain waits until something it observed changes. */
#include "rt.h"

/* A task's busy-wait is long enough to wait on after this many polls that found nothing (select with default,
 * trylock, yield), or this many steps that made no progress (lock and unlock, len, a closed channel's zero
 * value), since its last step that made progress. Fewer are taken as they come: a loop that retries a bounded
 * number of times still sees every retry fail while the state it polls stays as it is. */
#define SPIN_POLLS 2
#define SPIN_STEPS 64

static bool long_enough(const weft__spin *s)
{
    return s->npolls >= SPIN_POLLS || s->nidle >= SPIN_STEPS;
}

/* The object clause i of task t observes, or NULL (none; a sleep's deadline; a touched address, not an object). */
static const weft__obj *object(const weft__task *t, int i)
{
    if (t->opc == WEFT__OP_TOUCH || t->cl[i].kind == WEFT__CL_SLEEP)
        return NULL;
    return t->cl[i].obj;
}

static void forget(weft__spin *s)
{
    weft__R.nwindows -= s->nidle > 0;
    s->nseen = s->npolls = s->nidle = 0;
}

/* The step just taken (by R->step_task, on the objects in R->step_objs; the clock's, or the body's start, when
 * -1). What it changed is news to busy-waits (their objects' versions move) unless it was a step of a busy-wait
 * long enough to wait itself: two tasks spinning on one mutex do not wake each other without end, while the
 * lock and unlock of any other task do (whatever it changed under the lock, weft cannot see). Then a step that
 * made no progress adds what it observed to its task's busy-wait, with each object's version now (its own
 * changes are not news to it); any other step ends the busy-wait. Called before the next choice. */
void weft__spin_after(void)
{
    weft__rt *R = &weft__R;
    int id = R->step_task;
    weft__task *t = id >= 0 ? R->tasks[id] : NULL;
    /* versions matter only to busy-waits under way (their tasks compare them later) */
    if (R->nwindows > 0 && (!t || !R->idle || !long_enough(&t->spin))) {
        for (int i = 0; i < R->nnews; i++)
            R->news[i]->version++;
        R->spin_epoch += R->news_lost;
    }
    R->nnews = 0;
    R->news_lost = false;
    if (!t)
        return;
    R->step_task = -1;
    weft__spin *s = &t->spin;
    if (!R->idle && s->nidle == 0) /* the common case: progress, and no busy-wait to end */
        return;
    bool was = long_enough(s);
    if (!R->idle || t->state == WEFT__T_DONE || R->nstep_objs > WEFT__SPIN_SEEN) {
        forget(s);
    } else {
        bool fits = true;
        for (int i = 0; i < R->nstep_objs && fits; i++) {
            const weft__obj *o = R->step_objs[i];
            int j = 0;
            while (j < s->nseen && s->seen[j].obj != o)
                j++;
            fits = j < WEFT__SPIN_SEEN; /* else a busy-wait over more objects than kept: taken as it comes */
            if (!fits)
                break;
            if (j == s->nseen)
                s->seen[s->nseen++].obj = o;
            s->seen[j].version = o->version;
            s->seen[j].at = s->npolls;
        }
        if (fits) {
            s->npolls += R->step_polled;
            R->nwindows += s->nidle == 0;
            s->nidle++;
            s->epoch = R->spin_epoch;
            if (R->step_polled) { /* a poll ends a turn of the loop: what the turn did not look at is not waited on */
                int k = 0;
                for (int j = 0; j < s->nseen; j++)
                    if (s->seen[j].at >= s->npolls - 1)
                        s->seen[k++] = s->seen[j];
                s->nseen = k;
            }
        } else {
            forget(s);
        }
    }
    R->nspinning += (int)long_enough(s) - (int)was;
}

/* The step task t is taking makes no progress: remember the objects it observes, for weft__spin_after. */
void weft__spin_step(const weft__task *t)
{
    weft__rt *R = &weft__R;
    if (t->ncl == 1) { /* the common case: one object, or none */
        R->step_objs[0] = object(t, 0);
        R->nstep_objs = R->step_objs[0] != NULL;
        return;
    }
    int n = 0;
    for (int i = 0; i < t->ncl && n <= WEFT__SPIN_SEEN; i++) {
        const weft__obj *o = object(t, i);
        if (!o)
            continue;
        bool dup = false;
        for (int j = 0; j < n && !dup; j++)
            dup = R->step_objs[j] == o;
        if (!dup && n < WEFT__SPIN_SEEN)
            R->step_objs[n] = o;
        n += !dup;
    }
    R->nstep_objs = n;
}

/* Whether task t's busy-wait is long enough to wait on, and its pending step would only look again at what it
 * observed (every object of the step is among them). Then its step's footprint also reads those objects. */
bool weft__spin_watching(const weft__task *t)
{
    const weft__spin *s = &t->spin;
    if (!long_enough(s))
        return false;
    for (int i = 0; i < t->ncl; i++) {
        const weft__obj *o = object(t, i);
        if (!o)
            continue;
        int j = 0;
        while (j < s->nseen && s->seen[j].obj != o)
            j++;
        if (j == s->nseen)
            return false;
    }
    return true;
}

/* Public to weft: see rt.h. */
bool weft__spin_escapes(const weft__task *t)
{
    return weft__R.spin_escape && weft__spin_waits(t);
}

/* Whether pending task t waits on its busy-wait: it is watching (above) and nothing it observed has changed
 * since. It may still go when nothing else can (R->spin_escape). */
bool weft__spin_waits(const weft__task *t)
{
    const weft__spin *s = &t->spin;
    if (s->epoch != weft__R.spin_epoch || !weft__spin_watching(t))
        return false;
    for (int j = 0; j < s->nseen; j++)
        if (s->seen[j].obj->version != s->seen[j].version)
            return false;
    return true;
}
