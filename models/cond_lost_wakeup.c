/* cond_lost_wakeup.c: a Cond waiter that does not check its condition misses a Signal sent before it waits; and the fix. */
#include "model.h"

typedef struct warmup {
    weft_mutex *mu;
    weft_cond *ready_cond;
    bool ready; /* guarded by mu */
} warmup;

/* the cache warmer: mu.Lock(); ready = true; cond.Signal(); mu.Unlock() */
static void warmer(warmup *w)
{
    weft_mutex_lock(w->mu);
    w->ready = true;
    weft_cond_signal(w->ready_cond);
    weft_mutex_unlock(w->mu);
}

static warmup *new_warmup(void)
{
    warmup *w = weft_alloc(sizeof *w);
    w->mu = weft_mutex_make();
    w->ready_cond = weft_cond_make(w->mu);
    weft_name(w->mu, "warmup.mu");
    weft_name(w->ready_cond, "warmup.ready");
    return w;
}

WEFT_MODEL(cond_lost_wakeup_deadlock, .category = "sync", .expect = WEFT_DEADLOCK,
           .summary = "the server waits on the Cond without checking `ready`; the warmer signalled already",
           .pattern = "The server waits until the cache is warm: mu.Lock(); cond.Wait(); mu.Unlock(). The warmer "
                      "sets ready and calls Signal. A Cond has no memory: if the warmer signals before the server "
                      "starts waiting, the signal wakes nobody, and the server then waits for a signal that will "
                      "never be sent again.",
           .fix = "Wait in a loop on the condition, under the lock: `for !ready { cond.Wait() }`. The flag "
                  "remembers what the signal cannot.",
           .pair = "cond_lost_wakeup_fixed")
{
    warmup *w = new_warmup();
    WEFT_GO(warmer, w);
    weft_mutex_lock(w->mu);
    weft_cond_wait(w->ready_cond); /* no check of w->ready */
    weft_mutex_unlock(w->mu);
}

WEFT_MODEL(cond_lost_wakeup_fixed, .category = "sync", .expect = WEFT_OK,
           .summary = "the server waits with `for !ready { cond.Wait() }` under the lock",
           .pattern = "The same warmer; the server checks ready under the lock and waits only while it is false.",
           .fix = "The condition is checked and waited on atomically with respect to the warmer's update, so a "
                  "signal sent early is not needed: the flag is already set.",
           .pair = "cond_lost_wakeup_deadlock")
{
    warmup *w = new_warmup();
    WEFT_GO(warmer, w);
    weft_mutex_lock(w->mu);
    while (!w->ready)
        weft_cond_wait(w->ready_cond);
    weft_mutex_unlock(w->mu);
}
