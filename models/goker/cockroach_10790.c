/* cockroach_10790.c: on cancellation, beginCmds leaves a goroutine draining channels nobody sends on. */
/*
 * Port of GoBench GoKer kernel cockroach/10790 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/cockroach/10790/cockroach10790_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel & Context.
 *
 * beginCmds (G1) waits on each of two command channels or the context's
 * done channel; when the context is cancelled it starts G3 to drain every
 * channel (from the first) and moves on. The helper goroutine sends once on
 * each channel until the context is cancelled. If G1 has already received
 * ch1's value when cancel (G2) runs, the helper gives up and G3 blocks on
 * <-ch1 forever: a leak after the test body returns.
 */
#include "model.h"

typedef struct stopper10790 {
    weft_chan *quiescer; /* chan struct{} */
    weft_mutex *mu;
    bool quiescing; /* guarded by mu */
} stopper10790;

typedef struct replica10790 {
    weft_chan *chans[2]; /* []chan bool */
    int nchans;
    stopper10790 *stopper;
} replica10790;

static void stopper_quiesce(stopper10790 *s)
{
    weft_mutex_lock(s->mu);
    if (!s->quiescing) {
        s->quiescing = true;
        weft_chan_close(s->quiescer);
    }
    weft_mutex_unlock(s->mu); /* deferred */
}

static void drain(replica10790 *r) /* G3 */
{
    for (int i = 0; i < r->nchans; i++)
        weft_chan_recv(r->chans[i], NULL);
}

static void begin_cmds(replica10790 *r, weft_ctx *ctx) /* G1 */
{
    weft_chan *ctx_done = weft_ctx_done(ctx);
    for (int i = 0; i < r->nchans; i++) {
        weft_case cs[] = {WEFT_RECV(r->chans[i], NULL, NULL), WEFT_RECV(ctx_done, NULL, NULL)};
        if (weft_select(cs, 2) == 1)
            WEFT_GO(drain, r);
    }
}

static void send_chans(replica10790 *r, weft_ctx *ctx) /* helper goroutine, not in the real bug */
{
    for (int i = 0; i < r->nchans; i++) {
        bool t = true;
        weft_case cs[] = {WEFT_SEND(r->chans[i], &t), WEFT_RECV(weft_ctx_done(ctx), NULL, NULL)};
        if (weft_select(cs, 2) == 1)
            return;
    }
}

static void cancel10790(weft_ctx *ctx) /* G2 */
{
    weft_ctx_cancel(ctx);
}

WEFT_MODEL(cockroach_10790, .category = "goker", .expect = WEFT_LEAK,
           .summary = "after a cancel, beginCmds spawns a drainer for channels whose sender has already given up",
           .pattern = "On cancellation, beginCmds starts a goroutine to drain all the command channels from the "
                      "start, including ones it already received from; the sender stops at cancellation too, so "
                      "the drainer waits forever on a channel nobody will send on.",
           .fix = "Drain only the channels not yet received from, and return from beginCmds after handing them "
                  "off, so that no receive is left waiting for a value that was already consumed.")
{
    replica10790 *r = weft_alloc(sizeof *r);
    r->stopper = weft_alloc(sizeof *r->stopper);
    r->stopper->quiescer = weft_chan_make(0, 0);
    r->stopper->mu = weft_mutex_make();
    r->chans[0] = weft_chan_make(sizeof(bool), 0);
    r->chans[1] = weft_chan_make(sizeof(bool), 0);
    weft_name(r->chans[0], "ch1");
    weft_name(r->chans[1], "ch2");
    r->nchans = 2;
    weft_ctx *ctx = weft_ctx_with_cancel(weft_ctx_background());
    WEFT_GO(send_chans, r, ctx); /* helper goroutine */
    WEFT_GO(begin_cmds, r, ctx); /* G1 */
    WEFT_GO(cancel10790, ctx);   /* G2 */
    stopper_quiesce(r->stopper); /* r.stopper.Stop() */
}
