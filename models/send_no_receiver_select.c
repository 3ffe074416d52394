/* send_no_receiver_select.c: two more fixes of send_no_receiver: a send in a select with default, or with ctx.Done(). */
#include "model.h"

/* select { case res <- v: default: } : the result is dropped when no one is waiting for it */
static void compute_or_drop(weft_chan *res, int v)
{
    weft_case cs[] = {WEFT_SEND(res, &v)};
    weft_select_default(cs, 1);
}

WEFT_MODEL(send_no_receiver_select_default, .category = "select", .expect = WEFT_OK,
           .summary = "the worker sends in a select with default: it never blocks, but may drop its result",
           .pattern = "The caller of send_no_receiver_leaky, but the worker offers its result with a non-blocking "
                      "send (select with a default case). The send never blocks, so the worker always exits. The "
                      "price: when the caller is not already waiting, the result is dropped, so the caller must "
                      "not wait for it unconditionally; here it waits at most one second.",
           .fix = "A send that cannot block cannot leak; a receiver that may miss the value bounds its own wait.",
           .pair = "send_no_receiver_leaky")
{
    weft_chan *res = weft_chan_make(sizeof(int), 0);
    weft_name(res, "result");
    WEFT_GO(compute_or_drop, res, 42);
    if (weft_choose(2) == 0)
        return; /* the error path: nobody receives */
    int v;
    weft_chan *timeout = weft_after(WEFT_SECOND);
    weft_name(timeout, "timeout");
    weft_case cs[] = {WEFT_RECV(res, &v, NULL), WEFT_RECV(timeout, NULL, NULL)};
    weft_select(cs, 2);
}

/* select { case res <- v: case <-ctx.Done(): } */
static void compute_ctx(weft_ctx *ctx, weft_chan *res, int v)
{
    weft_case cs[] = {WEFT_SEND(res, &v), WEFT_RECV(weft_ctx_done(ctx), NULL, NULL)};
    weft_select(cs, 2);
}

WEFT_MODEL(send_no_receiver_select_ctx, .category = "select", .expect = WEFT_OK,
           .summary = "the worker sends in a select with ctx.Done(); the caller cancels when it returns",
           .pattern = "The caller of send_no_receiver_leaky, but it derives a cancellable context and cancels it "
                      "on every return path (defer cancel()); the worker sends its result in a select that also "
                      "waits on ctx.Done().",
           .fix = "Once the caller has returned, ctx.Done() is closed, so the worker's select always has a ready "
                  "case and the worker exits.",
           .pair = "send_no_receiver_leaky")
{
    weft_ctx *ctx = weft_ctx_with_cancel(weft_ctx_background());
    weft_name(ctx, "request");
    weft_chan *res = weft_chan_make(sizeof(int), 0);
    weft_name(res, "result");
    WEFT_GO(compute_ctx, ctx, res, 42);
    if (weft_choose(2) == 1) {
        int v;
        weft_chan_recv(res, &v);
    }
    weft_ctx_cancel(ctx); /* defer cancel() */
}
