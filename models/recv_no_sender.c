/* recv_no_sender.c: a task waits for a value that never comes (the sender returned early), and two fixes. */
#include "model.h"

typedef struct config {
    int version; /* the loaded configuration */
} config;

/* cfg := <-loaded; apply(cfg) */
static void applier(weft_chan *loaded)
{
    config cfg;
    weft_chan_recv(loaded, &cfg);
}

WEFT_MODEL(recv_no_sender_leaky, .category = "channels", .expect = WEFT_LEAK,
           .summary = "a goroutine waits for the loaded config; loading fails and nobody sends or closes",
           .pattern = "At startup a service starts a goroutine that waits on a channel for the configuration and "
                      "then applies it. The loader returns early when loading fails, without sending and without "
                      "closing the channel. The receive has no other way to end, so the goroutine blocks forever.",
           .fix = "Close the channel on every path (defer close(loaded)) and have the receiver check ok, or let "
                  "the receiver also wait on ctx.Done() and cancel the context on the way out.",
           .pair = "recv_no_sender_closed")
{
    weft_chan *loaded = weft_chan_make(sizeof(config), 0);
    weft_name(loaded, "loaded");
    WEFT_GO(applier, loaded);
    if (weft_choose(2) == 0)
        return; /* loading failed */
    config cfg = {7};
    weft_chan_send(loaded, &cfg);
}

/* cfg, ok := <-loaded; if !ok { return }; apply(cfg) */
static void applier_ok(weft_chan *loaded)
{
    config cfg;
    if (!weft_chan_recv(loaded, &cfg))
        return; /* loading failed: nothing to apply */
}

WEFT_MODEL(recv_no_sender_closed, .category = "channels", .expect = WEFT_OK,
           .summary = "the loader closes the channel on every path; the applier checks ok",
           .pattern = "The same startup, but the loader closes the channel when it returns, whether loading "
                      "worked or not (defer close(loaded)), and the applier tells a value from a close by ok.",
           .fix = "A close is a message every receiver gets: the receive always ends.",
           .pair = "recv_no_sender_leaky")
{
    weft_chan *loaded = weft_chan_make(sizeof(config), 1);
    weft_name(loaded, "loaded");
    WEFT_GO(applier_ok, loaded);
    if (weft_choose(2) == 1) {
        config cfg = {7};
        weft_chan_send(loaded, &cfg);
    }
    weft_chan_close(loaded); /* defer close(loaded) */
}

/* select { case cfg := <-loaded: apply(cfg); case <-ctx.Done(): } */
static void applier_ctx(weft_ctx *ctx, weft_chan *loaded)
{
    config cfg;
    weft_case cs[] = {WEFT_RECV(loaded, &cfg, NULL), WEFT_RECV(weft_ctx_done(ctx), NULL, NULL)};
    weft_select(cs, 2);
}

WEFT_MODEL(recv_no_sender_cancelled, .category = "channels", .expect = WEFT_OK,
           .summary = "the applier also waits on ctx.Done(); the loader cancels the context when it returns",
           .pattern = "The same startup, but the applier waits in a select on the channel and on the startup "
                      "context, and the loader cancels that context on every path (defer cancel()).",
           .fix = "Cancellation is the second way for the receive to end; the loader guarantees it happens.",
           .pair = "recv_no_sender_leaky")
{
    weft_ctx *ctx = weft_ctx_with_cancel(weft_ctx_background());
    weft_name(ctx, "startup");
    weft_chan *loaded = weft_chan_make(sizeof(config), 1);
    weft_name(loaded, "loaded");
    WEFT_GO(applier_ctx, ctx, loaded);
    if (weft_choose(2) == 1) {
        config cfg = {7};
        weft_chan_send(loaded, &cfg);
    }
    weft_ctx_cancel(ctx); /* defer cancel() */
}
