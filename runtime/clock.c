/* clock.c: the virtual clock: 0 at the start of every execution, moved only by the checker's clock steps. */
#include <string.h>

#include "rt.h"

/* The virtual time now, in nanoseconds. */
int64_t weft__clock_now(void)
{
    return weft__R.now;
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
    for (int i = 0, na = weft__alive(); i < na; i++) {
        const weft__task *u = R->tasks[R->alive[i]];
        if (u->state != WEFT__T_PENDING)
            continue;
        for (int j = 0; j < u->ncl; j++) {
            const weft__clause *c = &u->cl[j];
            if (c->kind == WEFT__CL_SLEEP && c->deadline > R->now && (!any || c->deadline < best)) {
                best = c->deadline;
                any = true;
            }
        }
    }
    *when = best;
    return any;
}

void weft__timer_fire(struct weft_timer *t) WEFT__HIDDEN;

/* Move the clock to `when` (>= now) and fire every timer due by then, oldest deadline first. Each timer fires
 * at most once: a ticker's next tick lies past the new time (or never, past INT64_MAX). */
void weft__clock_advance(int64_t when)
{
    weft__rt *R = &weft__R;
    if (when > R->now)
        R->now = when;
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
    static const weft__clause always = {0};
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
