/* forever_loop.c: a background loop with no way out (sleep loop, ticker loop), and the loops that can be stopped. */
#include "model.h"

typedef struct cache {
    int generation; /* how many times the cache was refreshed */
} cache;

static void refresh(cache *c)
{
    weft_touch(&c->generation);
    c->generation++;
}

/* for { refresh(); time.Sleep(30 * time.Second) } */
static void refresher_sleep(cache *c)
{
    for (;;) {
        refresh(c);
        weft_sleep(30 * WEFT_SECOND);
    }
}

WEFT_MODEL(forever_loop_sleep_leaky, .category = "time", .expect = WEFT_LEAK,
           .summary = "a cache refresher sleeps in a loop that nothing can stop",
           .pattern = "A service starts a goroutine that refreshes a cache and sleeps 30 seconds, forever. The "
                      "loop has no exit: no quit channel, no context. When the service is shut down the goroutine "
                      "keeps waking up on the timer for the life of the process; weft reports it once the clock "
                      "passes the leak horizon after the body returned.",
           .fix = "Give the loop an exit: wait in a select on a quit channel or ctx.Done() and a timer or ticker, "
                  "and close the channel or cancel the context on shutdown.",
           .pair = "forever_loop_ctx")
{
    cache *c = weft_alloc(sizeof *c);
    weft_name(&c->generation, "generation");
    WEFT_GO(refresher_sleep, c);
    refresh(c); /* the service serves a request from the cache, then shuts down */
}

/* ticker := time.NewTicker(10 * time.Second); for range ticker.C { flush() } */
static void flusher_ticker(cache *c)
{
    weft_ticker *t = weft_ticker_make(10 * WEFT_SECOND);
    weft_name(t, "flush_ticker");
    weft_name(weft_ticker_chan(t), "flush_ticker.C");
    for (;;) {
        weft_chan_recv(weft_ticker_chan(t), NULL);
        refresh(c);
    }
}

WEFT_MODEL(forever_loop_ticker_leaky, .category = "time", .expect = WEFT_LEAK,
           .summary = "a metrics flusher ranges over a ticker's channel forever",
           .pattern = "A goroutine flushes metrics on every tick of a ticker: `for range ticker.C { flush() }`. "
                      "The ticker's channel is never closed (Stop does not close it) and nothing else ends the "
                      "loop, so the goroutine outlives the service and the ticker is never stopped.",
           .fix = "Select on the ticker and on a quit channel (or ctx.Done()); on quit, stop the ticker and return.",
           .pair = "forever_loop_ticker_stopped")
{
    cache *c = weft_alloc(sizeof *c);
    weft_name(&c->generation, "generation");
    WEFT_GO(flusher_ticker, c);
    refresh(c);
}

/* defer ticker.Stop(); for { select { case <-ctx.Done(): return; case <-ticker.C: } if ctx.Err() != nil { return }; flush() } */
static void flusher_ctx(weft_ctx *ctx, cache *c, weft_wg *wg)
{
    weft_ticker *t = weft_ticker_make(30 * WEFT_SECOND);
    weft_name(t, "flush_ticker");
    weft_name(weft_ticker_chan(t), "flush_ticker.C");
    for (;;) {
        weft_case cs[] = {WEFT_RECV(weft_ctx_done(ctx), NULL, NULL), WEFT_RECV(weft_ticker_chan(t), NULL, NULL)};
        if (weft_select(cs, 2) == 0 || weft_ctx_err(ctx))
            break; /* select picks at random among ready cases: check the context before working */
        refresh(c);
    }
    weft_ticker_stop(t);
    weft_wg_done(wg);
}

WEFT_MODEL(forever_loop_ticker_stopped, .category = "time", .expect = WEFT_OK,
           .summary = "the flusher selects on its ticker and ctx.Done(), and stops the ticker when it returns",
           .pattern = "The same metrics flusher, but it runs under the session's context (a one-minute deadline, "
                      "or earlier cancellation on shutdown). Its loop waits on ctx.Done() as well as the ticker, "
                      "checks the context before each flush (select picks at random when both are ready), and "
                      "stops the ticker on the way out. Shutdown cancels and waits for it.",
           .fix = "A loop with an exit: once the context is done the ticker is stopped and the goroutine returns, "
                  "whatever the number of ticks seen before.",
           .pair = "forever_loop_ticker_leaky")
{
    cache *c = weft_alloc(sizeof *c);
    weft_name(&c->generation, "generation");
    weft_ctx *session = weft_ctx_with_timeout(weft_ctx_background(), WEFT_MINUTE);
    weft_name(session, "session");
    weft_wg *wg = weft_wg_make();
    weft_wg_add(wg, 1);
    WEFT_GO(flusher_ctx, session, c, wg);
    refresh(c);
    weft_ctx_cancel(session); /* shutdown */
    weft_wg_wait(wg);
}

/* for { refresh(); select { case <-ctx.Done(): return; case <-time.After(30 * time.Second): } } */
static void refresher_ctx(weft_ctx *ctx, cache *c)
{
    while (!weft_ctx_err(ctx)) {
        refresh(c);
        weft_case cs[] = {WEFT_RECV(weft_ctx_done(ctx), NULL, NULL), WEFT_RECV(weft_after(30 * WEFT_SECOND), NULL, NULL)};
        if (weft_select(cs, 2) == 0)
            return;
    }
}

WEFT_MODEL(forever_loop_ctx, .category = "time", .expect = WEFT_OK,
           .summary = "the cache refresher waits on ctx.Done() or a timer, and shutdown cancels the context",
           .pattern = "The same refresher, but it runs under the service's context (here with a one-minute "
                      "deadline) and, instead of sleeping, selects on ctx.Done() and a 30-second timer; it checks "
                      "the context before each refresh. Shutdown cancels the context.",
           .fix = "Every wait in the loop can be interrupted by cancellation, so the goroutine returns soon "
                  "after shutdown.",
           .pair = "forever_loop_sleep_leaky")
{
    cache *c = weft_alloc(sizeof *c);
    weft_name(&c->generation, "generation");
    weft_ctx *ctx = weft_ctx_with_timeout(weft_ctx_background(), WEFT_MINUTE);
    weft_name(ctx, "service");
    WEFT_GO(refresher_ctx, ctx, c);
    refresh(c);
    weft_ctx_cancel(ctx);
}
