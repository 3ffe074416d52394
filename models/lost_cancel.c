/* lost_cancel.c: a derived context whose cancel function is dropped (go vet's lostcancel), and the deferred cancel. */
#include "model.h"

typedef struct quota {
    int remaining; /* what the quota service answered */
} quota;

/* select { case q := <-answer: ...; case <-ctx.Done(): } : the quota lookup, abandoned when ctx is cancelled */
static void quota_service(weft_chan *answer)
{
    quota q = {10};
    weft_chan_send(answer, &q); /* capacity 1 */
}

/* ctx, cancel := context.WithCancel(parent); [defer cancel()] */
static void check_quota(weft_ctx *parent, bool cancel)
{
    weft_ctx *ctx = weft_ctx_with_cancel(parent);
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
           .summary = "`ctx, _ := context.WithCancel(...)`: the cancel function is thrown away",
           .pattern = "A quota check derives a cancellable context for its lookup and discards the cancel "
                      "function. When the lookup answers, nothing will ever cancel the context: it and its place "
                      "in the parent's list of children stay alive as long as the parent; under load they pile "
                      "up. weft reports a cancellable context that nothing will ever cancel when every task has "
                      "finished, as go vet's lostcancel check does statically. (With WithTimeout the deadline "
                      "cancels it in the end: weft does not count that as a leak.)",
           .fix = "Keep the cancel function and `defer cancel()` immediately.",
           .pair = "lost_cancel_fixed")
{
    check_quota(weft_ctx_background(), false);
}

WEFT_MODEL(lost_cancel_fixed, .category = "context", .expect = WEFT_OK,
           .summary = "the lookup's context is cancelled when the check returns (defer cancel())",
           .pattern = "The same quota check, with `defer cancel()` right after WithCancel.",
           .fix = "The context is released as soon as the check is done, whatever the path.",
           .pair = "lost_cancel_leaky")
{
    check_quota(weft_ctx_background(), true);
}
