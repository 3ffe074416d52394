/* close_while_sending.c: a producer closes a channel that other producers still send on (PANIC); and the closer fix. */
#include "model.h"

/* each crawler sends the links it found; the "first to finish" closes the channel */
static void crawler_closes(weft_chan *links, int site)
{
    int link = site * 100;
    weft_chan_send(links, &link);
    weft_chan_close(links); /* "I'm done, so the stream is done" */
}

WEFT_MODEL(close_while_sending_panic, .category = "channels", .expect = WEFT_PANIC,
           .summary = "two crawlers share a links channel, and each closes it when it finishes",
           .pattern = "Two crawler goroutines send the links they find on one channel; a consumer ranges over it. "
                      "Each crawler closes the channel when it is done, because 'the producer closes'. But this "
                      "channel has two producers: when one finishes first and closes, the other's next send "
                      "panics with 'send on closed channel' (or its own close panics with 'close of closed "
                      "channel').",
           .fix = "Only the last sender may close: count the producers with a WaitGroup and let one extra "
                  "goroutine close the channel after wg.Wait().",
           .pair = "close_while_sending_fixed")
{
    weft_chan *links = weft_chan_make(sizeof(int), 0);
    weft_name(links, "links");
    WEFT_GO(crawler_closes, links, 1);
    WEFT_GO(crawler_closes, links, 2);
    int link;
    while (weft_chan_recv(links, &link))
        ;
}

static void crawler(weft_chan *links, int site, weft_wg *wg)
{
    int link = site * 100;
    weft_chan_send(links, &link);
    weft_wg_done(wg);
}

/* go func() { wg.Wait(); close(links) }() */
static void closer(weft_wg *wg, weft_chan *links)
{
    weft_wg_wait(wg);
    weft_chan_close(links);
}

WEFT_MODEL(close_while_sending_fixed, .category = "channels", .expect = WEFT_OK,
           .summary = "the crawlers only send; one closer goroutine closes after wg.Wait()",
           .pattern = "The same crawlers and consumer; the crawlers call wg.Done() instead of close, and a closer "
                      "goroutine waits for both, then closes links.",
           .fix = "The close happens after the last send, exactly once, so the range ends and nothing panics.",
           .pair = "close_while_sending_panic")
{
    weft_chan *links = weft_chan_make(sizeof(int), 0);
    weft_name(links, "links");
    weft_wg *wg = weft_wg_make();
    weft_name(wg, "crawlers");
    weft_wg_add(wg, 2);
    WEFT_GO(crawler, links, 1, wg);
    WEFT_GO(crawler, links, 2, wg);
    WEFT_GO(closer, wg, links);
    int link, n = 0;
    while (weft_chan_recv(links, &link))
        n++;
    weft_assert(n == 2);
}
