/* push_per_message.c: one goroutine per push notification, each retrying and ignoring cancellation; and a bounded pool. */
#include "model.h"

typedef struct gateway {
    int up; /* the push gateway answers (0: an outage); set before any push starts */
} gateway;

/* deliver(msg): one attempt against the gateway (an HTTP/2 call with its own timeout, not modelled) */
static bool deliver(gateway *gw)
{
    return gw->up;
}

/* go push(msg): for !deliver(msg) { time.Sleep(backoff) } : no limit, no context */
static void push(gateway *gw)
{
    while (!deliver(gw))
        weft_sleep(10 * WEFT_SECOND);
}

WEFT_MODEL(push_per_message_leaky, .category = "workers", .expect = WEFT_LEAK,
           .summary = "a goroutine per notification, retrying every 10s for ever; shutdown cancels, they ignore it",
           .pattern = "A notification service starts one goroutine per incoming message to push it to the "
                      "gateway, retrying every ten seconds until it succeeds. The goroutines take no context, so "
                      "when the gateway has an outage they pile up without bound (one per message), and when the "
                      "service shuts down and cancels its context they carry on retrying: goroutines alive only "
                      "because their timers keep waking them, past the leak horizon.",
           .fix = "Push from a fixed pool of workers fed by a jobs channel; bound the retries and make every "
                  "backoff wait on ctx.Done() as well; on shutdown close jobs, cancel and wait for the workers.",
           .pair = "push_per_message_pool")
{
    gateway *gw = weft_alloc(sizeof *gw);
    weft_ctx *ctx = weft_ctx_with_cancel(weft_ctx_background());
    weft_name(ctx, "service");
    gw->up = 0; /* the gateway is having an outage */
    for (int msg = 0; msg < 2; msg++)
        WEFT_GO(push, gw); /* go push(msg): ignores ctx */
    weft_ctx_cancel(ctx);   /* shutdown */
}

/* a pool worker: for msg := range jobs { if !deliver(msg) { select { case <-ctx.Done(): return; case <-time.After(backoff): } ; deliver(msg) } } */
static void push_worker(weft_ctx *ctx, weft_chan *jobs, gateway *gw, weft_wg *wg)
{
    int msg;
    while (weft_chan_recv(jobs, &msg)) {
        if (deliver(gw))
            continue;
        weft_case cs[] = {WEFT_RECV(weft_ctx_done(ctx), NULL, NULL), WEFT_RECV(weft_after(10 * WEFT_SECOND), NULL, NULL)};
        if (weft_select(cs, 2) == 0)
            break;     /* shutting down: drop the notification */
        deliver(gw); /* the one retry; then give up (log, dead-letter) */
    }
    weft_wg_done(wg);
}

WEFT_MODEL(push_per_message_pool, .category = "workers", .expect = WEFT_OK,
           .summary = "two pool workers, bounded retries, backoff that wakes on ctx.Done(), shutdown that waits",
           .pattern = "The same service, but notifications go into a jobs channel served by a fixed pool of two "
                      "workers. A worker tries each notification at most twice and waits out the backoff in a "
                      "select with ctx.Done(). Shutdown closes jobs, cancels the context and waits for the pool.",
           .fix = "The number of goroutines is fixed, each retry loop is bounded, every wait sees cancellation, "
                  "and shutdown waits: nothing outlives the service, whether the gateway is up or down.",
           .pair = "push_per_message_leaky")
{
    gateway *gw = weft_alloc(sizeof *gw);
    gw->up = weft_choose(2); /* up, or an outage */
    weft_ctx *ctx = weft_ctx_with_cancel(weft_ctx_background());
    weft_name(ctx, "service");
    weft_chan *jobs = weft_chan_make(sizeof(int), 0); /* a worker takes each notification in hand */
    weft_name(jobs, "jobs");
    weft_wg *wg = weft_wg_make();
    weft_name(wg, "pool");
    for (int w = 0; w < 2; w++) {
        weft_wg_add(wg, 1);
        WEFT_GO(push_worker, ctx, jobs, gw, wg);
    }
    for (int msg = 0; msg < 2; msg++)
        weft_chan_send(jobs, &msg);
    weft_chan_close(jobs); /* shutdown: no more notifications */
    weft_ctx_cancel(ctx);
    weft_wg_wait(wg);
}
