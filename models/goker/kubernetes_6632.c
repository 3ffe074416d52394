/* kubernetes_6632.c: WriteFrame blocks on resetChan holding writeLock; monitor needs writeLock to close it. */
/*
 * Port of GoBench GoKer kernel kubernetes/6632 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/kubernetes/6632/kubernetes6632_test.go
 * GoBench class: Mixed Deadlock / Channel & Lock.
 *
 * The buggy interleaving: WriteFrame (G2) takes writeLock and sends on the
 * unbuffered resetChan, which nobody receives from. monitor (G1) waits for the
 * connection's closeChan and then takes writeLock to close resetChan. When a
 * helper sends on closeChan after G2 is already blocked on resetChan, G1 blocks
 * on writeLock held by G2, and G2 blocks on a channel only G1 could close. The
 * test body has returned: G1 and G2 leak.
 */
#include "model.h"

typedef struct k6632_framer {
    weft_chan *reset_chan; /* resetChan: chan bool, unbuffered; NULL once closed */
    weft_mutex *write_lock;
    weft_chan *close_chan; /* conn.closeChan: chan bool, unbuffered */
} k6632_framer;

/* The fix's drainer: for range resetChan {}. */
static void k6632_drain(weft_chan *reset_chan)
{
    bool b;
    while (weft_chan_recv(reset_chan, &b)) {
    }
}

static void k6632_monitor(k6632_framer *i, bool fixed)
{
    weft_chan *reset_chan = i->reset_chan;
    for (;;) {
        bool b;
        weft_case cs[] = {WEFT_RECV(i->close_chan, &b, NULL)};
        weft_select(cs, 1);
        if (fixed)
            WEFT_GO(k6632_drain, reset_chan);
        weft_mutex_lock(i->write_lock);
        weft_chan_close(reset_chan);
        i->reset_chan = NULL;
        weft_mutex_unlock(i->write_lock);
        break; /* break Loop */
    }
}

static void k6632_write_frame(k6632_framer *i)
{
    weft_mutex_lock(i->write_lock);
    if (i->reset_chan == NULL) {
        weft_mutex_unlock(i->write_lock); /* defer */
        return;
    }
    bool t = true;
    weft_chan_send(i->reset_chan, &t);
    weft_mutex_unlock(i->write_lock); /* defer */
}

static void k6632_helper(k6632_framer *i)
{
    bool t = true;
    weft_chan_send(i->close_chan, &t);
}

static void k6632_test(bool fixed)
{
    k6632_framer *i = weft_alloc(sizeof *i);
    i->reset_chan = weft_chan_make(sizeof(bool), 0);
    i->close_chan = weft_chan_make(sizeof(bool), 0);
    i->write_lock = weft_mutex_make();
    weft_name(i->reset_chan, "resetChan");
    weft_name(i->close_chan, "closeChan");
    weft_name(i->write_lock, "writeLock");
    WEFT_GO(k6632_helper, i);
    WEFT_GO(k6632_monitor, i, fixed); /* G1 */
    WEFT_GO(k6632_write_frame, i);    /* G2 */
}

WEFT_MODEL(kubernetes_6632, .category = "goker", .expect = WEFT_LEAK,
           .summary = "kubernetes#6632: WriteFrame blocks on resetChan holding writeLock; monitor needs writeLock "
                      "to close resetChan",
           .pattern = "WriteFrame holds writeLock while it sends on resetChan, which no one receives from. When "
                      "the connection closes, monitor must take writeLock before closing resetChan, so it waits "
                      "for WriteFrame, which waits for the close.",
           .fix = "When the connection closes, start a goroutine that drains resetChan before taking writeLock, "
                  "so a blocked WriteFrame completes and releases the lock (the upstream fix).",
           .pair = "kubernetes_6632_fixed")
{
    k6632_test(false);
}

WEFT_MODEL(kubernetes_6632_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "kubernetes#6632 fixed: monitor drains resetChan in a goroutine before taking writeLock",
           .pattern = "The same framer, helper, monitor and WriteFrame, with the drainer started on close.",
           .fix = "The drainer receives WriteFrame's pending send, so writeLock is released and the close "
                  "ends the drainer's range.",
           .pair = "kubernetes_6632")
{
    k6632_test(true);
}
