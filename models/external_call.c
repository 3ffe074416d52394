/* external_call.c: an outbound call that never answers (HTTP without a timeout), and the context deadline fix. */
#include "model.h"

typedef struct invoice {
    int amount; /* what the billing API answered */
} invoice;

/* billing := the remote API: it accepts the connection (the request fits the socket buffer) but never answers */
typedef struct billing_api {
    weft_chan *requests; /* cap 1: the request is written and accepted */
    weft_chan *replies;  /* nobody ever sends here: the server hangs */
} billing_api;

/* resp, err := http.Get(url) with http.DefaultClient: no timeout */
static void sync_invoice(billing_api *api)
{
    int req = 1;
    weft_chan_send(api->requests, &req);
    invoice inv;
    weft_chan_recv(api->replies, &inv); /* waits for ever */
}

static billing_api *dial(void)
{
    billing_api *api = weft_alloc(sizeof *api);
    api->requests = weft_chan_make(sizeof(int), 1);
    api->replies = weft_chan_make(sizeof(invoice), 0);
    weft_name(api->requests, "billing.requests");
    weft_name(api->replies, "billing.replies");
    return api;
}

WEFT_MODEL(external_call_leaky, .category = "context", .expect = WEFT_LEAK,
           .summary = "a background sync calls the billing API with no timeout; the API never answers",
           .pattern = "A goroutine syncs invoices by calling a remote API with http.DefaultClient, which has no "
                      "timeout. The remote side accepts the request and then hangs (a stuck load balancer, a "
                      "dead peer without a reset). The call waits for an answer that never comes, so the "
                      "goroutine never returns; every sync started adds one.",
           .fix = "Bound every external call: build the request with a context from context.WithTimeout (or set "
                  "http.Client.Timeout), and wait on the answer or ctx.Done().",
           .pair = "external_call_timeout")
{
    billing_api *api = dial();
    WEFT_GO(sync_invoice, api);
}

/* req = req.WithContext(ctx): the transport gives up when ctx is done */
static void sync_invoice_ctx(weft_ctx *parent, billing_api *api)
{
    weft_ctx *ctx = weft_ctx_with_timeout(parent, 10 * WEFT_SECOND);
    weft_name(ctx, "billing_call");
    int req = 1;
    weft_chan_send(api->requests, &req);
    invoice inv;
    weft_case cs[] = {WEFT_RECV(api->replies, &inv, NULL), WEFT_RECV(weft_ctx_done(ctx), NULL, NULL)};
    weft_select(cs, 2); /* context deadline exceeded: log, retry at the next sync */
    weft_ctx_cancel(ctx);
}

WEFT_MODEL(external_call_timeout, .category = "context", .expect = WEFT_OK,
           .summary = "the call runs under context.WithTimeout(10s) and waits on the answer or ctx.Done()",
           .pattern = "The same sync against the same hanging API, but the request carries a context with a "
                      "ten-second deadline and the call returns when the deadline passes.",
           .fix = "A deadline turns 'never' into 'an error after 10 s': the goroutine always returns.",
           .pair = "external_call_leaky")
{
    billing_api *api = dial();
    WEFT_GO(sync_invoice_ctx, weft_ctx_background(), api);
}
