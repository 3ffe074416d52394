/* range_never_closed.c: an aggregator ranges over a channel that no one closes; and the close after the producers. */
#include "model.h"

typedef struct totals {
    int sum; /* what the aggregator added up */
} totals;

/* for m := range metrics { t.sum += m } ; done <- t */
static void aggregator(weft_chan *metrics, totals *t, weft_chan *done)
{
    int m;
    while (weft_chan_recv(metrics, &m))
        t->sum += m;
    weft_chan_send(done, t);
}

static void reporter(weft_chan *metrics, int value, weft_wg *wg)
{
    weft_chan_send(metrics, &value);
    weft_wg_done(wg);
}

WEFT_MODEL(range_never_closed_leaky, .category = "channels", .expect = WEFT_LEAK,
           .summary = "an aggregator ranges over metrics; the reporters finish but nobody closes the channel",
           .pattern = "An aggregator goroutine sums metrics with `for m := range metrics`. The request waits for "
                      "its two reporters with a WaitGroup, reads what it needs and returns, but nobody closes "
                      "metrics. A range only ends on close, so the aggregator waits for the next metric forever.",
           .fix = "Close the channel once every sender is done (close(metrics) after wg.Wait()), and wait for the "
                  "aggregator's result.",
           .pair = "range_never_closed_fixed")
{
    weft_chan *metrics = weft_chan_make(sizeof(int), 0), *done = weft_chan_make(sizeof(totals), 1);
    weft_name(metrics, "metrics");
    weft_name(done, "done");
    weft_wg *wg = weft_wg_make();
    weft_name(wg, "reporters");
    totals *t = weft_alloc(sizeof *t);
    WEFT_GO(aggregator, metrics, t, done);
    weft_wg_add(wg, 2);
    WEFT_GO(reporter, metrics, 3, wg);
    WEFT_GO(reporter, metrics, 4, wg);
    weft_wg_wait(wg);
}

WEFT_MODEL(range_never_closed_fixed, .category = "channels", .expect = WEFT_OK,
           .summary = "after wg.Wait() the request closes metrics and receives the aggregator's total",
           .pattern = "The same aggregator and reporters; after the reporters are done, the request closes "
                      "metrics, which ends the range, and receives the total.",
           .fix = "The channel is closed after its last send, so the range ends and the aggregator returns.",
           .pair = "range_never_closed_leaky")
{
    weft_chan *metrics = weft_chan_make(sizeof(int), 0), *done = weft_chan_make(sizeof(totals), 1);
    weft_name(metrics, "metrics");
    weft_name(done, "done");
    weft_wg *wg = weft_wg_make();
    weft_name(wg, "reporters");
    totals *t = weft_alloc(sizeof *t);
    WEFT_GO(aggregator, metrics, t, done);
    weft_wg_add(wg, 2);
    WEFT_GO(reporter, metrics, 3, wg);
    WEFT_GO(reporter, metrics, 4, wg);
    weft_wg_wait(wg);
    weft_chan_close(metrics);
    totals got;
    weft_chan_recv(done, &got);
    weft_assert(got.sum == 7);
}
