/* cockroach_1055.c: stoppers quiesce and stop while holding their mutex; workers need that mutex. */
/*
 * Port of GoBench GoKer kernel cockroach/1055 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/cockroach/1055/cockroach1055_test.go
 * GoBench class: Mixed Deadlock / Channel & WaitGroup.
 *
 * The buggy interleaving: each of three stoppers has a worker (G2) that calls
 * StartTask (which, if draining is 0, takes s.mu and adds 1 to the drain
 * WaitGroup, never to be matched by a Done), then waits for the stopper's
 * channel to close and calls SetStopped. G3 Quiesces then Stops every stopper;
 * both hold s.mu while they wait: Quiesce on drain, Stop on drain and then, after
 * closing the channel, on the stop WaitGroup. If a worker's StartTask ran
 * first, Quiesce waits forever for a drain count that never drops, holding s.mu.
 * If the worker read draining == 0 but had not yet taken s.mu, Stop holds s.mu
 * and waits on the stop WaitGroup for a worker stuck on s.mu. Either way G3
 * never closes done and the test body waits on it forever.
 *
 * The developers' description (GoBench README) is the second case: Stop
 * blocks in s.stop.Wait() holding s.mu, and the worker that will call
 * SetStopped is blocked in StartTask on s.mu; it needs one preemption (the
 * worker must be switched out between its check of draining and its Lock).
 * The first case, a StartTask whose drain.Add is never matched, is a bug the
 * kernel adds (GoBench notes that kernels may introduce bugs, gobench issue
 * #7); it needs no preemption, so it is the counterexample weft reports first.
 * Both end with the test body blocked on done: DEADLOCK.
 *
 * Porting note: `draining` is read atomically without the lock by StartTask
 * and written under the lock by Quiesce and Stop; each access is a weft_touch.
 */
#include "model.h"

typedef struct c1055_stopper {
    weft_chan *stopper; /* chan struct{}, closed by Stop */
    weft_wg *stop;
    weft_mutex *mu;
    int32_t draining;   /* atomic in StartTask and Stop, plain in Quiesce */
    weft_wg *drain;
} c1055_stopper;

static void c1055_quiesce(c1055_stopper *s)
{
    weft_mutex_lock(s->mu);
    weft_touch(&s->draining);
    s->draining = 1;
    weft_wg_wait(s->drain);
    weft_touch(&s->draining);
    s->draining = 0;
    weft_mutex_unlock(s->mu); /* defer */
}

static void c1055_stop(c1055_stopper *s)
{
    weft_mutex_lock(s->mu); /* L1 */
    weft_touch(&s->draining);
    s->draining = 1; /* atomic.StoreInt32 */
    weft_wg_wait(s->drain);
    weft_chan_close(s->stopper);
    weft_wg_wait(s->stop);
    weft_mutex_unlock(s->mu); /* defer */
}

static bool c1055_start_task(c1055_stopper *s)
{
    weft_touch(&s->draining);
    if (s->draining == 0) { /* atomic.LoadInt32 */
        weft_mutex_lock(s->mu);
        weft_wg_add(s->drain, 1);
        weft_mutex_unlock(s->mu); /* defer */
        return true;
    }
    return false;
}

/* G2: one worker per stopper. */
static void c1055_worker(c1055_stopper *s)
{
    c1055_start_task(s);
    weft_chan_recv(s->stopper, NULL); /* <-s.ShouldStop() */
    weft_wg_done(s->stop);            /* SetStopped */
}

/* G3. */
static void c1055_shutdown(c1055_stopper **stoppers, int n, weft_chan *done)
{
    for (int i = 0; i < n; i++)
        c1055_quiesce(stoppers[i]);
    for (int i = 0; i < n; i++)
        c1055_stop(stoppers[i]);
    weft_chan_close(done);
}

WEFT_MODEL(cockroach_1055, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "cockroach#1055: Quiesce and Stop wait on WaitGroups while holding the stopper's mutex that "
                      "workers need",
           .pattern = "A worker checks `draining` without the lock, then takes the stopper's mutex to register "
                      "with the drain WaitGroup. Quiesce and Stop hold that mutex while they wait for drain (and "
                      "Stop, for the workers to finish). A worker that registered keeps drain above zero forever; "
                      "a worker that saw draining == 0 but has not locked yet cannot finish while Stop holds the "
                      "mutex. The shutdown task never closes done and the test waits forever.",
           .fix = "Do not wait on the WaitGroups while holding the mutex, and pair every drain.Add with a Done: "
                  "mark draining under the lock, release it, then wait.",
           .pair = NULL)
{
    enum { N = 3 };
    c1055_stopper **stoppers = weft_alloc(sizeof *stoppers * N);
    for (int i = 0; i < N; i++) {
        c1055_stopper *s = weft_alloc(sizeof *s); /* NewStopper */
        s->stopper = weft_chan_make(0, 0);
        s->stop = weft_wg_make();
        s->mu = weft_mutex_make();
        s->drain = weft_wg_make();
        weft_name(s->stopper, "stopper");
        weft_name(s->mu, "s.mu");
        weft_name(s->drain, "s.drain");
        weft_name(s->stop, "s.stop");
        stoppers[i] = s;
    }
    for (int i = 0; i < N; i++) {
        weft_wg_add(stoppers[i]->stop, 1); /* AddWorker */
        WEFT_GO(c1055_worker, stoppers[i]);
    }
    weft_chan *done = weft_chan_make(0, 0);
    weft_name(done, "done");
    WEFT_GO(c1055_shutdown, stoppers, N, done);
    weft_chan_recv(done, NULL);
}
