/* waitgroup.c: sync.WaitGroup: Add, Done, Wait, with Go's misuse panics. */
#include "rt.h"

/* Public: a new WaitGroup with counter 0. */
weft_wg *weft_wg_make_at(const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_wg_make", file, line);
    return weft__obj_make(WEFT__K_WG, sizeof(weft_wg), file, line);
}

/* Public: add delta to the counter (Done is Add(-1)); at zero every parked waiter is released. */
void weft_wg_add_at(weft_wg *wg, int delta, const char *file, int line, const char *func)
{
    (void)func;
    const char *call = delta == -1 ? "weft_wg_done" : "weft_wg_add";
    weft__require(call, file, line);
    weft__obj_check(wg, WEFT__K_WG, call, file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = wg};
    weft__wait(delta == -1 ? "wg_done" : "wg_add", &cl, 1, false, file, line);
    weft__step_obj(wg, delta);
    wg->counter += delta;
    if (wg->counter < 0)
        weft__fail(WEFT_PANIC, file, line, "sync: negative WaitGroup counter");
    if (wg->counter > 0 || wg->waiters == 0)
        return;
    weft__rt *R = &weft__R;
    wg->waiters = 0;
    for (int i = 0, na = weft__alive(); i < na; i++) {
        weft__task *u = R->tasks[R->alive[i]];
        if (u->state == WEFT__T_PENDING && u->ncl == 1 && u->cl[0].kind == WEFT__CL_PARKED && u->cl[0].obj == wg)
            weft__wake(u, 0);
    }
}

/* Public: block until the counter is zero. Wakes after the release take one more step, as in Go,
 * so that reusing the WaitGroup before Wait has returned panics. */
void weft_wg_wait_at(weft_wg *wg, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_wg_wait", file, line);
    weft__obj_check(wg, WEFT__K_WG, "weft_wg_wait", file, line);
    weft__clause cl = {.kind = WEFT__CL_ALWAYS, .obj = wg};
    weft__wait("wg_wait", &cl, 1, false, file, line);
    if (wg->counter == 0)
        return;
    wg->waiters++;
    weft__clause park = {.kind = WEFT__CL_PARKED, .obj = wg};
    weft__wait("wg_wait", &park, 1, false, file, line);
    weft__wait("wg_wait(return)", &cl, 1, false, file, line);
    if (wg->counter != 0 || wg->waiters != 0)
        weft__fail(WEFT_PANIC, file, line, "sync: WaitGroup is reused before previous Wait has returned");
}
