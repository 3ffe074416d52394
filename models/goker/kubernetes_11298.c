/* kubernetes_11298.c: a notifier's Signal can come before the Wait it is meant to wake. */
/*
 * Port of GoBench GoKer kernel kubernetes/11298 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/kubernetes/11298/kubernetes11298_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel & Condition Variable.
 *
 * serviceLoop holds n.lock and repeatedly starts a goroutine that calls
 * n.cond.Wait (releasing n.lock on the loop's behalf); a signalling
 * goroutine locks n.lock and calls Signal until abort closes. When the
 * signaller has finished (`finished` closed), serviceLoop calls Signal once
 * and waits for the waiter's goroutine; but the waiter may not have reached
 * Wait yet, so that Signal is lost, the waiter waits forever, and so does
 * serviceLoop. Notify never returns and the test blocks on notifyDone.
 */
#include "model.h"

typedef struct closure11298 {
    void (*fn)(void *);
    void *arg;
} closure11298;

/* After(f): run f in a goroutine and return a channel closed when it returns. */
static void after_runner(weft_chan *ch, closure11298 *f)
{
    if (f && f->fn)
        f->fn(f->arg);
    weft_chan_close(ch); /* deferred */
}

static weft_chan *after11298(void (*fn)(void *), void *arg, const char *name)
{
    weft_chan *ch = weft_chan_make(0, 0);
    weft_name(ch, name);
    closure11298 *f = weft_alloc(sizeof *f);
    f->fn = fn;
    f->arg = arg;
    WEFT_GO(after_runner, ch, f);
    return ch;
}

/* Until(f, period, stopCh) */
static void until11298(void (*fn)(void *), void *arg, int64_t period, weft_chan *stop_ch)
{
    if (!fn)
        return;
    for (;;) {
        weft_case poll[] = {WEFT_RECV(stop_ch, NULL, NULL)};
        if (weft_select_default(poll, 1) == 0)
            return;
        fn(arg);
        weft_case cs[] = {WEFT_RECV(stop_ch, NULL, NULL), WEFT_RECV(weft_after(period), NULL, NULL)};
        weft_select(cs, 2);
    }
}

typedef struct notifier11298 {
    weft_mutex *lock;
    weft_cond *cond; /* sync.NewCond(&n.lock) */
    weft_chan *abort; /* Notify's abort (the test's done) */
    weft_chan *finished;
} notifier11298;

static void cond_wait(void *arg) /* the method value n.cond.Wait */
{
    notifier11298 *n = arg;
    weft_cond_wait(n->cond);
}

/* abort will be closed no matter what */
static void service_loop(void *arg)
{
    notifier11298 *n = arg;
    weft_chan *abort = n->finished;
    weft_mutex_lock(n->lock);
    for (;;) {
        weft_case poll[] = {WEFT_RECV(abort, NULL, NULL)};
        if (weft_select_default(poll, 1) == 0)
            break;
        weft_chan *ch = after11298(cond_wait, n, "After(n.cond.Wait)");
        weft_case cs[] = {WEFT_RECV(abort, NULL, NULL), WEFT_RECV(ch, NULL, NULL)};
        if (weft_select(cs, 2) == 0) {
            weft_cond_signal(n->cond);
            weft_chan_recv(ch, NULL);
            break;
        }
    }
    weft_mutex_unlock(n->lock); /* deferred */
}

static void signal_loop(void *arg) /* the func passed to the inner Until */
{
    notifier11298 *n = arg;
    for (;;) {
        weft_case poll[] = {WEFT_RECV(n->abort, NULL, NULL)};
        if (weft_select_default(poll, 1) == 0)
            return;
        weft_mutex_lock(n->lock);
        weft_cond_signal(n->cond);
        weft_mutex_unlock(n->lock); /* deferred */
    }
}

static void signaller(void *arg) /* After(func() { Until(signal_loop, 0, abort) }) */
{
    notifier11298 *n = arg;
    until11298(signal_loop, n, 0, n->abort);
}

static void notify(void *arg)
{
    weft_chan *abort = arg;
    notifier11298 *n = weft_alloc(sizeof *n);
    n->lock = weft_mutex_make();
    weft_name(n->lock, "n.lock");
    n->cond = weft_cond_make(n->lock);
    weft_name(n->cond, "n.cond");
    n->abort = abort;
    n->finished = after11298(signaller, n, "finished");
    until11298(service_loop, n, 0, abort);
}

/* The original sleeps 300ns before closing done. Every loop here polls with period 0 (zero-duration
 * timers), so virtual time would never reach 300ns; the bug needs only that done closes at some point
 * while the loops run, so the closer closes it at a point the checker chooses, with no sleep. */
static void closer(weft_chan *done)
{
    weft_chan_close(done); /* deferred */
}

WEFT_MODEL(kubernetes_11298, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "serviceLoop's last Signal can arrive before the waiter reaches Wait, which then waits forever",
           .pattern = "A condition variable has no memory: Signal wakes a goroutine already waiting, or nobody. "
                      "serviceLoop signals once after the signaller has stopped and then waits for the waiter "
                      "goroutine to finish; if the waiter has not reached Wait yet, the signal is lost and both "
                      "wait forever, so Notify never returns and the test blocks on notifyDone.",
           .fix = "Do not rely on a single Signal reaching a goroutine that may not be waiting yet: guard the "
                  "wait with a condition checked under the lock, or use a channel instead of the condition.")
{
    weft_chan *done = weft_chan_make(0, 0);
    weft_name(done, "done");
    weft_chan *notify_done = after11298(notify, done, "notifyDone");
    WEFT_GO(closer, done);
    weft_chan_recv(notify_done, NULL);
}
