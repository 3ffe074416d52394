/* clock.c: the virtual clock: 0 at the start of every execution, moved only by the checker's clock steps. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* The virtual time now, in nanoseconds. */
int64_t weft__clock_now(void)
{
    return weft__R.now;
}

/* ---- Pending sleeps: a min-heap on the deadline (R->sleepers) ---------------------------------------------- */

static void sleepers_swap(int i, int j)
{
    weft__sleeper *h = weft__R.sleepers, x = h[i];
    h[i] = h[j];
    h[j] = x;
}

/* Task t, pending at a sleep until `deadline` (past now), waits for the clock: the clock's next move considers
 * it, and the move that reaches the deadline enables it. */
void weft__sleep_arm(const weft__task *t, int64_t deadline)
{
    weft__rt *R = &weft__R;
    if (WEFT__UNLIKELY(R->nsleepers == R->sleepers_cap)) { /* grows to the most sleeps ever pending, then kept */
        int cap = R->sleepers_cap ? 2 * R->sleepers_cap : 64;
        weft__sleeper *h = realloc(R->sleepers, sizeof *h * (size_t)cap);
        if (!h)
            weft__out_of_memory("the sleeping tasks");
        R->sleepers = h;
        R->sleepers_cap = cap;
    }
    int i = R->nsleepers++;
    R->sleepers[i] = (weft__sleeper){deadline, t->arrival, t->id};
    while (i > 0 && R->sleepers[(i - 1) / 2].deadline > R->sleepers[i].deadline) {
        sleepers_swap(i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void sleepers_pop(void)
{
    weft__rt *R = &weft__R;
    R->sleepers[0] = R->sleepers[--R->nsleepers];
    for (int i = 0;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < R->nsleepers && R->sleepers[l].deadline < R->sleepers[m].deadline)
            m = l;
        if (r < R->nsleepers && R->sleepers[r].deadline < R->sleepers[m].deadline)
            m = r;
        if (m == i)
            return;
        sleepers_swap(i, m);
        i = m;
    }
}

/* The task of sleeper s, if it is still pending at the sleep s was armed for (else NULL: s is stale). */
static weft__task *sleeper_task(const weft__sleeper *s)
{
    weft__task *t = weft__R.tasks[s->task];
    return t->state == WEFT__T_PENDING && t->arrival == s->arrival ? t : NULL;
}

/* The earliest deadline of a pending sleep not yet due; false when none. */
static bool next_sleep(int64_t *when)
{
    weft__rt *R = &weft__R;
    while (R->nsleepers > 0 && !sleeper_task(&R->sleepers[0]))
        sleepers_pop();
    if (R->nsleepers == 0)
        return false;
    *when = R->sleepers[0].deadline;
    return true;
}

/* The clock has moved: the sleeps now due become able to take their steps. */
static void sleepers_due(void)
{
    weft__rt *R = &weft__R;
    while (R->nsleepers > 0 && R->sleepers[0].deadline <= R->now) {
        weft__task *t = sleeper_task(&R->sleepers[0]);
        sleepers_pop();
        if (t)
            weft__recheck(t);
    }
}

/* Whether firing timer t would change anything: a full channel only drops the value. */
static bool effective(const struct weft_timer *t)
{
    return !t->c || t->c->len < t->c->cap;
}

/* The time of the next clock event that can make a difference: an effective timer's deadline or a
 * sleeping task's wake-up. False when there is none. */
bool weft__clock_next(int64_t *when)
{
    weft__rt *R = &weft__R;
    bool any = false;
    int64_t best = 0;
    for (struct weft_timer *t = R->timers; t; t = t->next) {
        if (t->active && effective(t) && (!any || t->when < best)) {
            best = t->when;
            any = true;
        }
    }
    int64_t sleep;
    if (next_sleep(&sleep) && (!any || sleep < best)) {
        best = sleep;
        any = true;
    }
    *when = best;
    return any;
}

/* Move the clock to `when` (>= now) and fire every timer due by then, oldest deadline first. Each timer fires
 * at most once: a ticker's next tick lies past the new time (or never, past INT64_MAX). */
void weft__clock_advance(int64_t when)
{
    weft__rt *R = &weft__R;
    if (when > R->now) {
        R->now = when;
        sleepers_due();
    }
    for (;;) {
        struct weft_timer *due = NULL;
        for (struct weft_timer *t = R->timers; t; t = t->next)
            if (t->active && t->when <= R->now &&
                (!due || t->when < due->when || (t->when == due->when && t->seq < due->seq)))
                due = t;
        if (!due)
            return;
        weft__timer_fire(due);
    }
}

/* Public: the virtual clock (a visible read). */
int64_t weft_now_at(const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_now", file, line);
    weft__clause always = {0};
    weft__wait(WEFT__OP_NOW, &always, 1, false, file, line);
    return weft__R.now;
}

/* Public: block until the clock reaches now + ns; ns <= 0 returns at once (a step that does not block, as Go). */
void weft_sleep_at(int64_t ns, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_sleep", file, line);
    weft__clause c = {.kind = WEFT__CL_ALWAYS};
    if (ns > 0) {
        c.kind = WEFT__CL_SLEEP;
        c.deadline = weft__R.now > INT64_MAX - ns ? INT64_MAX : weft__R.now + ns;
    }
    weft__R.nsleep += ns > 0;
    if (ns > 0 && weft__R.x_every) /* a deadline is armed as part of the step under way */
        weft__R.hooks->amend(weft__R.x, weft__time_arm_key());
    weft__wait(WEFT__OP_SLEEP, &c, 1, false, file, line);
    weft__R.nsleep -= ns > 0;
}
