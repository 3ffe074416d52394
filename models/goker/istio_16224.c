/* istio_16224.c: an event handler holds a lock while sending to the test, which first wants that lock. */
/*
 * Port of GoBench GoKer kernel istio/16224 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/istio/16224/istio16224_test.go
 * GoBench class: Mixed Deadlock / Channel & Lock.
 *
 * The buggy interleaving: the test registers a handler that takes `lock` and,
 * holding it, sends on the unbuffered `done`. The monitor task (Run) receives
 * the event the test schedules with Create() and runs the handler. If the
 * handler takes `lock` first, it blocks sending on `done`, while the test body
 * blocks on lock.Lock() before it ever receives from `done`: the test body and
 * the monitor wait for each other forever.
 * If the test wins the lock instead, it receives, closes stop and returns,
 * and the monitor blocks in its stop case receiving from eventCh, which
 * nobody sends on: a second bug of the same kernel (GoBench does not describe
 * it; the Go team's copy of the kernel notes it as a true positive). The
 * described deadlock needs no preemption: the test parks sending the event, the
 * monitor's select completes the hand-off and goes on into the handler, which
 * takes the lock first. weft reports it first; the leak needs a preemption.
 */
#include "model.h"

typedef struct istio16224_monitor {
    weft_chan *event_ch; /* eventCh: chan Event, unbuffered */
    weft_mutex *lock;    /* the handler's closure: lock */
    weft_chan *done;     /* the handler's closure: done, chan bool, unbuffered */
} istio16224_monitor;

/* The one registered handler (applyHandlers over handlers). */
static void istio16224_handler(istio16224_monitor *m, int event)
{
    (void)event;
    bool t = true;
    weft_mutex_lock(m->lock);
    weft_chan_send(m->done, &t);
    weft_mutex_unlock(m->lock); /* defer */
}

/* (*configstoreMonitor).Run via controller.Run. */
static void istio16224_run(istio16224_monitor *m, weft_chan *stop)
{
    for (;;) {
        int ce;
        bool ok;
        weft_case cs[] = {
            WEFT_RECV(stop, NULL, NULL),
            WEFT_RECV(m->event_ch, &ce, &ok),
        };
        if (weft_select(cs, 2) == 0) {
            int e;
            if (weft_chan_recv(m->event_ch, &e))
                weft_chan_close(m->event_ch);
            return;
        }
        if (ok)
            istio16224_handler(m, ce); /* processConfigEvent */
    }
}

WEFT_MODEL(istio_16224, .category = "goker", .expect = WEFT_DEADLOCK,
           .summary = "istio#16224: the handler sends on done holding the lock the test wants first",
           .pattern = "The monitor runs the handler, which locks `lock` and then sends on the unbuffered `done`. "
                      "The test, after scheduling the event, locks `lock` before receiving from `done`. If the "
                      "handler locks first, the handler waits for the test to receive and the test waits for the "
                      "handler's lock: DEADLOCK. If the test wins the lock, it returns, and the monitor's stop path "
                      "blocks receiving from eventCh forever: a second bug (LEAK).",
           .fix = "Do not hold the lock across the send (send on done after unlocking, or make done buffered), "
                  "and let the monitor's stop path not receive from eventCh unconditionally.",
           .pair = NULL)
{
    istio16224_monitor *m = weft_alloc(sizeof *m);
    m->event_ch = weft_chan_make(sizeof(int), 0);
    m->done = weft_chan_make(sizeof(bool), 0);
    m->lock = weft_mutex_make();
    weft_name(m->event_ch, "eventCh");
    weft_name(m->done, "done");
    weft_name(m->lock, "lock");
    weft_chan *stop = weft_chan_make(0, 0);
    weft_name(stop, "stop");
    WEFT_GO(istio16224_run, m, stop);
    int ev = 0;
    weft_chan_send(m->event_ch, &ev); /* controller.Create() */
    weft_mutex_lock(m->lock);
    weft_mutex_unlock(m->lock);
    bool b;
    weft_chan_recv(m->done, &b);
    weft_chan_close(stop);
}
