/* waitgroup.c: sync.WaitGroup: Add, Done, Wait, with Go's misuse panics. */
#include "rt.h"

/* Public: a new WaitGroup with counter 0. */
weft_wg *weft_wg_make_at(const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_wg_make", file, line);
    return weft__obj_make(WEFT__K_WG, sizeof(weft_wg), file, line);
}

/* Public: add delta to the counter (Done is Add(-1)). When it falls to zero, every task waiting in Wait is
 * released (it counts `zeros`): Wait returns even if the counter rises again before the waiter runs, and then
 * panics as Go does ("reused before previous Wait has returned"). */
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
    if (wg->counter < 0)
        weft__fail(WEFT_PANIC, file, line, "sync: negative WaitGroup counter");
    if (wg->counter == 0 && before != 0)
        wg->zeros++;
}

/* Public: block until the counter is zero. One step: a waiter is disabled while the counter is above zero,
 * and enabled once it is zero or has been zero since the waiter arrived (then, as in Go, a counter raised
 * again in between panics: the WaitGroup was reused before Wait returned). */
void weft_wg_wait_at(weft_wg *wg, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_wg_wait", file, line);
    weft__obj_check(wg, WEFT__K_WG, "weft_wg_wait", file, line);
    weft__clause cl = {.kind = WEFT__CL_WAIT, .obj = wg, .epoch = wg->zeros};
    wg->waiters++;
    if (weft__R.x_every) /* the arrival is observable: part of the step under way */
        weft__x_amend(weft__wait_arrival_key(wg));
    weft__wait(WEFT__OP_WG_WAIT, &cl, 1, false, file, line);
    wg->waiters--;
    if (wg->counter != 0)
        weft__fail(WEFT_PANIC, file, line, "sync: WaitGroup is reused before previous Wait has returned");
}
