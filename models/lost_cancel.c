/* lost_cancel.c: a derived context whose cancel function is dropped (go vet's lostcancel), and the deferred cancel. */
#include "model.h"

typedef struct quota {
    int remaining; /* what the quota service answered */
} quota;

/* select { case q := <-answer: ...; case <-ctx.Done(): } : the quota lookup under a timeout */
static void quota_service(weft_chan *answer)
{
    quota q = {10};
    weft_chan_send(answer, &q); /* capacity 1 */
}

/* ctx, cancel := context.WithTimeout(parent, 5*time.Second); [defer cancel()] */
static void check_quota(weft_ctx *parent, bool cancel)
{
    weft_ctx *ctx = weft_ctx_with_timeout(parent, 5 * WEFT_SECOND);
    weft_name(ctx, "quota_lookup");
    weft_chan *answer = weft_chan_make(sizeof(quota), 1);
    weft_name(answer, "answer");
    WEFT_GO(quota_service, answer);
    quota q;
    weft_case cs[] = {WEFT_RECV(answer, &q, NULL), WEFT_RECV(weft_ctx_done(ctx), NULL, NULL)};
    weft_select(cs, 2);
    if (cancel)
        weft_ctx_cancel(ctx);
}

WEFT_MODEL(lost_cancel_leaky, .category = "context", .expect = WEFT_LEAK,
           .summary = "`ctx, _ := context.WithTimeout(...)`: the cancel function is thrown away",
           .pattern = "A quota check derives a context with a five-second timeout for its lookup and discards the "
                      "cancel function. When the lookup answers quickly, the context, its timer and its place in "
                      "the parent's list of children stay alive until the deadline (forever with WithCancel); "
                      "under load they pile up. weft reports a cancellable context never cancelled when every task "
                      "has finished, as go vet's lostcancel check does statically.",
           .fix = "Keep the cancel function and `defer cancel()` immediately.",
           .pair = "lost_cancel_fixed")
{
    check_quota(weft_ctx_background(), false);
}

WEFT_MODEL(lost_cancel_fixed, .category = "context", .expect = WEFT_OK,
           .summary = "the lookup's context is cancelled when the check returns (defer cancel())",
           .pattern = "The same quota check, with `defer cancel()` right after WithTimeout.",
           .fix = "The context is released as soon as the check is done, whatever the path.",
           .pair = "lost_cancel_leaky")
{
    check_quota(weft_ctx_background(), true);
}
