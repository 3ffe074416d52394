/* kubernetes_1321.c: the mux's distributor blocks sending to a watcher while holding the lock Stop needs. */
/*
 * Port of GoBench GoKer kernel kubernetes/1321 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/kubernetes/1321/kubernetes1321_test.go
 * GoBench class: Mixed Deadlock / Channel & Lock.
 *
 * The buggy interleaving: NewMux starts loop (G2), which calls distribute
 * repeatedly; distribute holds m.lock (and globalMtx) while it sends on each
 * watcher's unbuffered result channel. The test goroutine G1 adds a watcher
 * with Watch() and immediately Stop()s it, and stopWatching must take m.lock
 * before it can close result. If distribute runs between Watch and Stop, it
 * blocks sending to the new watcher (nobody ever receives) holding m.lock,
 * and G1 blocks on m.lock: both leak (the test body only spawns G1).
 *
 * Porting notes: the watchers map holds at most one watcher here, so it is a
 * single slot. loop's 100 calls to distribute are scaled down to 2: the bug
 * needs one call between Watch and Stop, whatever the count. globalMtx is a
 * package-level mutex in the original; here it lives in the Mux (one per
 * execution).
 */
#include "model.h"

enum { K1321_DISTRIBUTES = 2 }; /* 100 in the original */

typedef struct k1321_watcher {
    weft_chan *result;  /* chan struct{}, unbuffered */
    weft_chan *stopped; /* the fix: closed by Stop, selected on by distribute */
    struct k1321_mux *m;
    int64_t id;
} k1321_watcher;

typedef struct k1321_mux {
    weft_mutex *lock;        /* m.lock */
    weft_mutex *global;      /* globalMtx */
    k1321_watcher *watcher;  /* watchers: at most one entry, NULL when empty */
    bool fixed;
} k1321_mux;

static void k1321_distribute(k1321_mux *m)
{
    weft_mutex_lock(m->lock);
    weft_mutex_lock(m->global);
    k1321_watcher *w = m->watcher; /* for _, w := range m.watchers */
    if (w != NULL) {
        if (!m->fixed) {
            weft_chan_send(w->result, NULL); /* blocked here */
        } else {
            weft_case cs[] = {WEFT_SEND(w->result, NULL), WEFT_RECV(w->stopped, NULL, NULL)};
            weft_select(cs, 2);
        }
    }
    weft_mutex_unlock(m->global);
    weft_mutex_unlock(m->lock); /* defer */
}

static void k1321_loop(k1321_mux *m)
{
    for (int i = 0; i < K1321_DISTRIBUTES; i++)
        k1321_distribute(m);
}

static k1321_watcher *k1321_watch(k1321_mux *m)
{
    k1321_watcher *mw = weft_alloc(sizeof *mw);
    mw->result = weft_chan_make(0, 0);
    mw->stopped = weft_chan_make(0, 0);
    weft_name(mw->result, "w.result");
    weft_name(mw->stopped, "w.stopped");
    mw->m = m;
    mw->id = 0; /* len(m.watchers) */
    weft_mutex_lock(m->global);
    m->watcher = mw;
    weft_mutex_unlock(m->global);
    return mw;
}

static void k1321_stop_watching(k1321_mux *m, int64_t id)
{
    weft_mutex_lock(m->lock);
    k1321_watcher *w = m->watcher;
    if (w == NULL || w->id != id) {
        weft_mutex_unlock(m->lock);
        return;
    }
    m->watcher = NULL; /* delete(m.watchers, id) */
    weft_chan_close(w->result);
    weft_mutex_unlock(m->lock);
}

static void k1321_stop(k1321_watcher *mw)
{
    if (mw->m->fixed)
        weft_chan_close(mw->stopped); /* unblocks a distribute without needing m.lock */
    k1321_stop_watching(mw->m, mw->id);
}

/* testMuxWatcherClose, G1. */
static void k1321_test_close(bool fixed)
{
    k1321_mux *m = weft_alloc(sizeof *m); /* NewMux */
    m->lock = weft_mutex_make();
    m->global = weft_mutex_make();
    m->fixed = fixed;
    weft_name(m->lock, "m.lock");
    weft_name(m->global, "globalMtx");
    WEFT_GO(k1321_loop, m); /* G2 */
    k1321_watcher *w = k1321_watch(m);
    k1321_stop(w);
}

WEFT_MODEL(kubernetes_1321, .category = "goker", .expect = WEFT_LEAK,
           .summary = "kubernetes#1321: distribute sends to a watcher holding m.lock; Stop needs m.lock to close "
                      "the channel",
           .pattern = "The mux's loop holds m.lock while it sends on a watcher's unbuffered result channel. The "
                      "watcher's owner, instead of receiving, stops it, and stopWatching must take m.lock before it "
                      "closes the channel that would release the sender. Both tasks wait forever.",
           .fix = "Give each watcher a stopped channel that Stop closes without the lock, and have distribute "
                  "select between sending the result and that channel (the upstream fix).",
           .pair = "kubernetes_1321_fixed")
{
    WEFT_GO(k1321_test_close, false);
}

WEFT_MODEL(kubernetes_1321_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "kubernetes#1321 fixed: distribute selects on the watcher's stopped channel too",
           .pattern = "The same mux and watcher, with Stop closing a stopped channel before it takes m.lock.",
           .fix = "A blocked distribute is released by the close, which needs no lock, so the cycle cannot form.",
           .pair = "kubernetes_1321")
{
    WEFT_GO(k1321_test_close, true);
}
