/* timeout.c: a request that gives up at a deadline without leaking the server that answers late, and weft_after. */
#include <weft.h>

/* Work for `work` virtual nanoseconds, then answer on reply. */
static void serve(weft_chan *reply, int64_t work)
{
    weft_sleep(work);
    int answer = 42;
    weft_chan_send(reply, &answer); /* reply has room for one answer: this never blocks, even if nobody waits */
}

WEFT_TEST(request_with_timeout)
{
    weft_chan *reply = weft_chan_make(sizeof(int), 1);
    weft_name(reply, "reply");
    WEFT_GO(serve, reply, 50 * WEFT_MS);
    weft_ctx *ctx = weft_ctx_with_timeout(weft_ctx_background(), 20 * WEFT_MS);
    int answer = 0;
    weft_case cases[] = {WEFT_RECV(reply, &answer, NULL), WEFT_RECV(weft_ctx_done(ctx), NULL, NULL)};
    if (weft_select(cases, 2) == 0)
        weft_assert(answer == 42);
    else
        weft_assert(weft_ctx_err(ctx) == WEFT_DEADLINE_EXCEEDED);
    weft_ctx_cancel(ctx);
}

WEFT_TEST(after_sends_the_fire_time)
{
    int64_t fired; /* timer, ticker and weft_after channels carry int64_t: an int would overflow */
    weft_chan_recv(weft_after(5 * WEFT_MS), &fired);
    weft_assert(fired == 5 * WEFT_MS);
    weft_assert(weft_now() == fired);
}
