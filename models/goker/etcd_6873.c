/* etcd_6873.c: stop holds the mutex while waiting for a goroutine that needs the mutex to finish. */
/*
 * Port of GoBench GoKer kernel etcd/6873 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/etcd/6873/etcd6873_test.go
 * Bug class (goker_public.tsv): Mixed Deadlock / Channel & Lock.
 *
 * newWatchBroadcasts starts G2, which ranges over updatec (buffer 1) and
 * coalesces each update under mu; donec is closed when it ends. The test
 * queues one update and starts stop (G3), which locks mu, closes updatec and
 * waits for donec while still holding mu. If G2 has taken the update but not
 * yet locked mu, it blocks on mu and G3 blocks on donec: both leak.
 */
#include "model.h"

typedef struct watch_broadcasts6873 {
    weft_mutex *mu;
    weft_chan *updatec; /* chan *watchBroadcast, buffer 1 */
    weft_chan *donec;   /* chan struct{} */
} watch_broadcasts6873;

static void coalesce(watch_broadcasts6873 *wbs)
{
    weft_mutex_lock(wbs->mu);
    weft_mutex_unlock(wbs->mu);
}

static void coalescer(watch_broadcasts6873 *wbs) /* G2 */
{
    int wb;
    while (weft_chan_recv(wbs->updatec, &wb))
        coalesce(wbs);
    weft_chan_close(wbs->donec); /* deferred */
}

static watch_broadcasts6873 *new_watch_broadcasts(void)
{
    watch_broadcasts6873 *wbs = weft_alloc(sizeof *wbs);
    wbs->mu = weft_mutex_make();
    wbs->updatec = weft_chan_make(sizeof(int), 1);
    wbs->donec = weft_chan_make(0, 0);
    weft_name(wbs->mu, "wbs.mu");
    weft_name(wbs->updatec, "wbs.updatec");
    weft_name(wbs->donec, "wbs.donec");
    WEFT_GO(coalescer, wbs);
    return wbs;
}

static void wbs_stop(watch_broadcasts6873 *wbs) /* G3 */
{
    weft_mutex_lock(wbs->mu);
    weft_chan_close(wbs->updatec);
    weft_chan_recv(wbs->donec, NULL);
    weft_mutex_unlock(wbs->mu); /* deferred */
}

/* The fix (etcd commit 7618fdd): release mu before waiting for the coalescing goroutine. */
static void wbs_stop_fixed(watch_broadcasts6873 *wbs)
{
    weft_mutex_lock(wbs->mu);
    weft_chan_close(wbs->updatec);
    weft_mutex_unlock(wbs->mu);
    weft_chan_recv(wbs->donec, NULL);
}

static void wbs_update(watch_broadcasts6873 *wbs, int wb)
{
    weft_case cs[] = {WEFT_SEND(wbs->updatec, &wb)};
    weft_select_default(cs, 1);
}

WEFT_MODEL(etcd_6873, .category = "goker", .expect = WEFT_LEAK,
           .summary = "stop waits for the coalescing goroutine while holding the mutex that goroutine needs",
           .pattern = "stop locks mu, closes updatec and waits for donec without unlocking. The coalescing "
                      "goroutine may have just received an update and be about to lock mu; it blocks on mu, "
                      "never closes donec, and stop never returns.",
           .fix = "Unlock mu before waiting on donec (close updatec under the lock, wait outside it).",
           .pair = "etcd_6873_fixed")
{
    watch_broadcasts6873 *wbs = new_watch_broadcasts(); /* G1 is the test body */
    wbs_update(wbs, 1);
    WEFT_GO(wbs_stop, wbs); /* G3 */
}

WEFT_MODEL(etcd_6873_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "stop releases the mutex before waiting for the coalescing goroutine",
           .pattern = "The same broadcaster; stop waits on donec without holding mu, so the goroutine can "
                      "finish coalescing, see updatec closed and close donec.",
           .fix = "Close updatec under mu, unlock, then wait for donec.",
           .pair = "etcd_6873")
{
    watch_broadcasts6873 *wbs = new_watch_broadcasts();
    wbs_update(wbs, 1);
    WEFT_GO(wbs_stop_fixed, wbs);
}
