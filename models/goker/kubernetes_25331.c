/* kubernetes_25331.c: a watcher's goroutine blocks sending an error result nobody will read. */
/*
 * Port of GoBench GoKer kernel kubernetes/25331 (Yuan et al., CGO 2021), MIT licence;
 * original: gobench/goker/blocking/kubernetes/25331/kubernetes25331_test.go
 * Bug class (goker_public.tsv): Communication Deadlock / Channel & Context.
 *
 * run (G1) selects on errChan and ctx.Done(). Stop (G2) sends an error on
 * errChan and then cancels. When G1 takes the error it cancels the context
 * itself and then sends the result on the unbuffered resultChan, which
 * nobody reads: G1 blocks forever after the test body returns.
 */
#include "model.h"

typedef struct watch_chan25331 {
    weft_ctx *ctx;         /* ctx; cancel cancels it */
    weft_chan *result_chan; /* chan bool */
    weft_chan *err_chan;    /* chan error */
} watch_chan25331;

static void wc_stop(watch_chan25331 *wc) /* G2 */
{
    int err = 1; /* errors.New("Error") */
    weft_chan_send(wc->err_chan, &err);
    weft_ctx_cancel(wc->ctx);
}

static void wc_run(watch_chan25331 *wc) /* G1 */
{
    int err;
    weft_case cs[] = {WEFT_RECV(wc->err_chan, &err, NULL), WEFT_RECV(weft_ctx_done(wc->ctx), NULL, NULL)};
    if (weft_select(cs, 2) == 0) {
        bool err_result = err != 0;
        weft_ctx_cancel(wc->ctx); /* removed in the fix */
        weft_chan_send(wc->result_chan, &err_result);
    }
}

/* The fix (kubernetes commit 97f4647): send the result unless the user has given up, then cancel. */
static void wc_run_fixed(watch_chan25331 *wc)
{
    int err;
    weft_case cs[] = {WEFT_RECV(wc->err_chan, &err, NULL), WEFT_RECV(weft_ctx_done(wc->ctx), NULL, NULL)};
    if (weft_select(cs, 2) == 0) {
        bool err_result = err != 0;
        weft_case send[] = {WEFT_SEND(wc->result_chan, &err_result), WEFT_RECV(weft_ctx_done(wc->ctx), NULL, NULL)};
        weft_select(send, 2);
        weft_ctx_cancel(wc->ctx);
    }
}

static watch_chan25331 *new_watch_chan(void)
{
    watch_chan25331 *wc = weft_alloc(sizeof *wc);
    wc->ctx = weft_ctx_with_cancel(weft_ctx_background());
    wc->result_chan = weft_chan_make(sizeof(bool), 0);
    wc->err_chan = weft_chan_make(sizeof(int), 0);
    weft_name(wc->result_chan, "resultChan");
    weft_name(wc->err_chan, "errChan");
    return wc;
}

WEFT_MODEL(kubernetes_25331, .category = "goker", .expect = WEFT_LEAK,
           .summary = "run takes the error and then blocks sending a result that nobody reads",
           .pattern = "After receiving the error, run cancels its own context and sends the result on an "
                      "unbuffered channel with no select on cancellation. The stopping side never reads results, "
                      "so the send blocks forever.",
           .fix = "Send the result in a select that also watches ctx.Done(), and cancel only after it.",
           .pair = "kubernetes_25331_fixed")
{
    watch_chan25331 *wc = new_watch_chan();
    WEFT_GO(wc_run, wc);  /* G1 */
    WEFT_GO(wc_stop, wc); /* G2 */
}

WEFT_MODEL(kubernetes_25331_fixed, .category = "goker", .expect = WEFT_OK,
           .summary = "run's result send also gives up when the context is cancelled",
           .pattern = "The same watcher; Stop's cancel now unblocks run's pending result send.",
           .fix = "select { case resultChan <- r: case <-ctx.Done(): } and cancel afterwards.",
           .pair = "kubernetes_25331")
{
    watch_chan25331 *wc = new_watch_chan();
    WEFT_GO(wc_run_fixed, wc);
    WEFT_GO(wc_stop, wc);
}
