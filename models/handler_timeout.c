/* handler_timeout.c: a request handler gives up after a timeout while its worker still sends the answer. */
#include "model.h"

typedef struct answer {
    int status; /* what the backend computed */
} answer;

/* time.Sleep(2 * time.Second) (a slow backend call); result <- answer */
static void backend_slow(weft_chan *result)
{
    weft_sleep(2 * WEFT_SECOND);
    answer a = {200};
    weft_chan_send(result, &a);
}

/* result := make(chan answer); go backend(result); select { case a := <-result: ...; case <-time.After(1s): } */
static void handle(void (*backend)(weft_chan *))
{
    weft_chan *result = weft_chan_make(sizeof(answer), 0);
    weft_name(result, "result");
    WEFT_GO(backend, result);
    answer a;
    weft_chan *timeout = weft_after(WEFT_SECOND);
    weft_name(timeout, "timeout");
    weft_case cs[] = {WEFT_RECV(result, &a, NULL), WEFT_RECV(timeout, NULL, NULL)};
    if (weft_select(cs, 2) == 1)
        return; /* 504 Gateway Timeout */
}

WEFT_MODEL(handler_timeout_sleep_leaky, .category = "time", .expect = WEFT_LEAK,
           .summary = "the handler times out after 1s; its backend call takes 2s, then blocks sending the answer",
           .pattern = "An HTTP handler starts a goroutine for the backend call and waits for the answer on an "
                      "unbuffered channel or a one-second time.After, whichever comes first. The backend takes two "
                      "seconds, so the handler returns on the timeout; when the answer is ready nobody receives it "
                      "and the goroutine blocks forever, one leaked goroutine per slow request.",
           .fix = "Give the result channel capacity 1 so that the send always completes, and pass the request "
                  "context (with the timeout) to the backend call so that it stops working once nobody waits.",
           .pair = "handler_timeout_fixed")
{
    handle(backend_slow);
}

/* a CPU-bound answer: no sleep, no blocking call before the send */
static void backend_compute(weft_chan *result)
{
    answer a = {0};
    for (int i = 0; i < 1000; i++)
        a.status += i % 7 == 0;
    a.status = 200;
    weft_chan_send(result, &a);
}

WEFT_MODEL(handler_timeout_compute_leaky, .category = "time", .expect = WEFT_LEAK,
           .summary = "the backend computes without sleeping; the leak needs a timeout that fires 'too early'",
           .pattern = "The same handler, but the backend only computes, without sleeping or blocking. In a test "
                      "the computation always wins the race against the one-second timer, but on a loaded "
                      "machine any goroutine may be slower than any timer: when the timeout fires first the "
                      "handler returns and the send blocks forever. weft's default adversarial time finds it; "
                      "with --time idle (time moves only when every task is blocked, like testing/synctest) the "
                      "timer never fires while the worker can run, and the leak stays hidden.",
           .fix = "As for the sleeping backend: capacity 1 for the result, and the request context passed down.",
           .pair = "handler_timeout_fixed")
{
    handle(backend_compute);
}

/* the backend honours the request context: select { case <-ctx.Done(): return; case <-time.After(d): } */
static void backend_ctx(weft_ctx *ctx, weft_chan *result, int slow)
{
    if (slow) {
        weft_case cs[] = {WEFT_RECV(weft_ctx_done(ctx), NULL, NULL), WEFT_RECV(weft_after(2 * WEFT_SECOND), NULL, NULL)};
        if (weft_select(cs, 2) == 0)
            return; /* nobody waits any more: stop working */
    }
    answer a = {200};
    weft_chan_send(result, &a); /* capacity 1: never blocks */
}

WEFT_MODEL(handler_timeout_fixed, .category = "time", .expect = WEFT_OK,
           .summary = "result channel of capacity 1, and the backend runs under the request's timeout context",
           .pattern = "The handler derives ctx, cancel := context.WithTimeout(r.Context(), time.Second), defers "
                      "cancel, and makes the result channel with capacity 1. The backend (slow or CPU-bound) "
                      "either sends its single answer into the buffer or gives up when ctx is done.",
           .fix = "The one send always has room, and a slow backend stops early: no goroutine outlives the "
                  "request by more than the backend's own work.",
           .pair = "handler_timeout_sleep_leaky")
{
    weft_ctx *ctx = weft_ctx_with_timeout(weft_ctx_background(), WEFT_SECOND);
    weft_name(ctx, "request");
    weft_chan *result = weft_chan_make(sizeof(answer), 1);
    weft_name(result, "result");
    WEFT_GO(backend_ctx, ctx, result, weft_choose(2));
    answer a;
    weft_case cs[] = {WEFT_RECV(result, &a, NULL), WEFT_RECV(weft_ctx_done(ctx), NULL, NULL)};
    weft_select(cs, 2);
    weft_ctx_cancel(ctx); /* defer cancel() */
}
