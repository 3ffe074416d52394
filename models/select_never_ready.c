/* select_never_ready.c: a loop selects over channels that stop being used, so it waits forever; and the ctx fix. */
#include "model.h"

/* for { select { case ev := <-events: apply(ev); case <-reload: reread() } } */
static void session_watcher(weft_chan *events, weft_chan *reload)
{
    for (;;) {
        int ev;
        weft_case cs[] = {WEFT_RECV(events, &ev, NULL), WEFT_RECV(reload, NULL, NULL)};
        weft_select(cs, 2);
    }
}

WEFT_MODEL(select_never_ready_leaky, .category = "select", .expect = WEFT_LEAK,
           .summary = "a watcher selects on events and reload; after the session ends neither ever fires",
           .pattern = "Each session starts a watcher that loops on a select over its events channel and a reload "
                      "channel. When the session ends, nobody sends on either channel or closes them, and the "
                      "select has no other case: the watcher waits forever, one goroutine per finished session.",
           .fix = "Add a case that is guaranteed to become ready: `case <-ctx.Done(): return`, with the session's "
                  "context cancelled when the session ends.",
           .pair = "select_never_ready_fixed")
{
    weft_chan *events = weft_chan_make(sizeof(int), 0), *reload = weft_chan_make(0, 0);
    weft_name(events, "events");
    weft_name(reload, "reload");
    WEFT_GO(session_watcher, events, reload);
    int ev = 1;
    weft_chan_send(events, &ev); /* the session does some work, then ends */
}

static void session_watcher_ctx(weft_ctx *ctx, weft_chan *events, weft_chan *reload)
{
    for (;;) {
        int ev;
        weft_case cs[] = {WEFT_RECV(events, &ev, NULL), WEFT_RECV(reload, NULL, NULL),
                          WEFT_RECV(weft_ctx_done(ctx), NULL, NULL)};
        if (weft_select(cs, 3) == 2)
            return;
    }
}

WEFT_MODEL(select_never_ready_fixed, .category = "select", .expect = WEFT_OK,
           .summary = "the watcher's select also waits on the session's ctx.Done(), cancelled at the end",
           .pattern = "The same watcher, with a third case on ctx.Done(); the session cancels its context when it "
                      "ends (defer cancel()).",
           .fix = "A select in a loop needs one case that always becomes ready eventually; cancellation is it.",
           .pair = "select_never_ready_leaky")
{
    weft_ctx *ctx = weft_ctx_with_cancel(weft_ctx_background());
    weft_name(ctx, "session");
    weft_chan *events = weft_chan_make(sizeof(int), 0), *reload = weft_chan_make(0, 0);
    weft_name(events, "events");
    weft_name(reload, "reload");
    WEFT_GO(session_watcher_ctx, ctx, events, reload);
    int ev = 1;
    weft_chan_send(events, &ev);
    weft_ctx_cancel(ctx);
}
