/* credit.c: fairness for the clock: each firing is paid for by a step of every task that can move. */
#include "rt.h"

#include <stdlib.h>

/*
 * The rule. The clock fires for the (k+1)-th time only once every task that could move at some choice since
 * its k-th firing has a credit of at least k. A task's credit goes up by one with each of its own steps and
 * starts at its spawner's; when the task starts being able to move after waiting at a step of its own
 * (woken, or its busy-wait let go), it is raised to k if lower (k firings so far): the firings while it
 * waited are not owed, the next is free, and it owes each later one a step. A task stopped by another task's
 * step before it moved (the lock it was about to take taken first) keeps what it owed, so a task that takes
 * a lock again before each tick cannot starve the tasks waiting for it: a task that can move is at most one
 * firing late. A task that ran ahead has paid in advance and may see several firings in a row. Which firings
 * may come depends only on each task's own steps and on when, and by whose step, it starts and stops being
 * able to move, so two orders of the same steps allow the same firings: the rule is closed under swapping
 * independent steps, which dpor relies on. Its dependences are explicit: a firing comes after the step of
 * each task counted that paid for it (a JOIN key), and writes whether each task that has paid for no more
 * than the firings so far can move (weft__en_key), which each step that starts or stops the task moving
 * increments: the two orders of such a step and the firing are both explored.
 */

/* Public to weft: see rt.h. */
void weft__credit_spawn(weft__task *t, const weft__task *parent)
{
    t->credit = t->cbase = t->cur_lv = parent ? parent->credit : 0;
    t->seg_first = t->cur_step = t->own_last = t->seen = -1;
    t->mover = t->lost = false;
    t->mark = 0;
}

/* Public to weft: see rt.h. */
void weft__credit_step(weft__task *t, long long step)
{
    weft__rt *R = &weft__R;
    R->steps[step].next_same = -1;
    if (t->own_last >= 0)
        R->steps[t->own_last].next_same = step;
    if (t->seg_first < 0)
        t->seg_first = step;
    t->own_last = step;
    t->lost = false;
    t->credit++;
}

/* Task t starts being able to move. After waiting (it stopped at a step of its own), it owes nothing for the
 * next firing, a step for each after: the firings while it waited do not count. After losing a race (another
 * task's step stopped it, as taking the lock it was about to take), what it owed stays owed. */
static void raise_credit(weft__task *t, long long fired)
{
    if (t->lost || t->credit >= fired)
        return;
    t->credit = t->cbase = t->cur_lv = fired;
    t->seg_first = t->cur_step = -1;
}

/* Task t starts or stops being able to move at the step under way: a firing that counts on either (its
 * footprint writes weft__en_key) and this step are ordered, and race. */
static void changed(const weft__task *t)
{
    weft__rt *R = &weft__R;
    if (R->x_every && t->state == WEFT__T_PENDING)
        R->hooks->amend(R->x, weft__en_key(t->id) << 2 | WEFT__KM_INC);
}

/* Public to weft: see rt.h. */
void weft__credit_movers(const int *cand, int n)
{
    weft__rt *R = &weft__R;
    unsigned ep = ++R->mover_epoch;
    if (R->ntasks > R->movers_cap) { /* the old lists are kept: they are read below */
        int cap = R->ntasks > 16 ? R->ntasks : 16;
        R->movers = realloc(R->movers, sizeof *R->movers * (size_t)cap);
        R->seen = realloc(R->seen, sizeof *R->seen * (size_t)cap);
        if (!R->movers || !R->seen)
            weft__out_of_memory("the clock's fairness");
        R->movers_cap = cap;
    }
    int m = 0;
    for (int i = 0; i < n; i++) {
        weft__task *t = R->tasks[cand[i]];
        if (R->nspinning > 0 && weft__spin_waits(t))
            continue;
        t->mark = ep;
        if (t->seen != R->nfired) {
            t->seen = R->nfired;
            R->seen[R->nseen++] = t->id;
        }
        if (!t->mover) {
            t->mover = true;
            raise_credit(t, R->nfired);
            changed(t);
        }
    }
    for (int i = 0; i < R->nmovers; i++) {
        weft__task *t = R->tasks[R->movers[i]];
        if (t->mark != ep) {
            t->mover = false;
            t->lost = R->nsteps > 0 && R->steps[R->nsteps - 1].task != t->id;
            changed(t);
        }
    }
    for (int i = 0; i < n; i++)
        if (R->tasks[cand[i]]->mark == ep)
            R->movers[m++] = cand[i];
    R->nmovers = m;
}

/* Public to weft: see rt.h. */
bool weft__credit_clock_may(void)
{
    const weft__rt *R = &weft__R;
    for (int i = 0; i < R->nseen; i++) { /* not every live task: a step's cost stays apart from the blocked ones */
        const weft__task *t = R->tasks[R->seen[i]];
        if (weft__credit_owes(t) && t->state == WEFT__T_PENDING)
            return false;
    }
    return true;
}

/* Public to weft: see rt.h. */
bool weft__credit_owes(const weft__task *t)
{
    return t->seen == weft__R.nfired && t->credit < weft__R.nfired;
}

/* Public to weft: see rt.h. */
void weft__credit_fired(void)
{
    weft__R.nfired++;
    weft__R.nseen = 0;
}

/* Public to weft: see rt.h. */
long long weft__credit_step_at(weft__task *t, long long level)
{
    if (level <= t->cbase || level > t->credit)
        return -1;
    const weft__rt *R = &weft__R;
    while (t->cur_lv < level) {
        t->cur_step = t->cur_step < 0 ? t->seg_first : R->steps[t->cur_step].next_same;
        t->cur_lv++;
    }
    return t->cur_step;
}
