/* waitgroup.c: sync.WaitGroup: Add, Done, Wait, with Go's misuse panics. */
#include "rt.h"

/* Public: a new WaitGroup with counter 0. */
weft_wg *weft_wg_make_at(const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_wg_make", file, line);
    return weft__obj_make(WEFT__K_WG, sizeof(weft_wg), file, line);
}

/* Public: add delta to the counter (Done is Add(-1)). Raising it from zero while a task waits in Wait reuses
 * the WaitGroup before that Wait has returned: Go panics (in the waiter, when it wakes; here in the Add, whose
 * step sees the waiter: with lazy arrival the waiter may have parked before the counter reached zero, and
 * Go's memory model makes such an Add, not ordered before the Wait, a misuse either way). */
void weft_wg_add_at(weft_wg *wg, int delta, const char *file, int line, const char *func)
{
    (void)func;
    const char *call = delta == -1 ? "weft_wg_done" : "weft_wg_add";
    weft__require(call, file, line);
    weft__obj_check(wg, WEFT__K_WG, call, file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = wg, .delta = delta};
    weft__wait(delta == -1 ? WEFT__OP_WG_DONE : WEFT__OP_WG_ADD, &cl, 1, false, file, line);
    weft__step_obj(wg, delta);
    int before = wg->counter;
    wg->counter += delta;
    weft__changed(wg);
    if (wg->counter < 0)
        weft__fail(WEFT_PANIC, file, line, "sync: negative WaitGroup counter");
    if (before > 0 && wg->counter == 0)
        wg->zeros++;
    if (before == 0 && delta > 0 && wg->waiters > 0)
        weft__fail(WEFT_PANIC, file, line, "sync: WaitGroup is reused before previous Wait has returned");
}

/* Public: block until the counter is zero: one step, which a waiter can take while the counter is zero. */
void weft_wg_wait_at(weft_wg *wg, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_wg_wait", file, line);
    weft__obj_check(wg, WEFT__K_WG, "weft_wg_wait", file, line);
    weft__clause cl = {.kind = WEFT__CL_WAIT, .obj = wg};
    wg->waiters++;
    if (weft__R.x_every) /* raising the counter from zero sees the arrival: part of the step under way */
        weft__R.hooks->amend(weft__R.x, weft__wait_arrival_key(wg));
    weft__wait(WEFT__OP_WG_WAIT, &cl, 1, false, file, line);
    wg->waiters--;
}
